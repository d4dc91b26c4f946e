import { relative, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Net, Protocol } from 'electron'

/**
 * The renderer is served from a privileged custom scheme, app://renderer/, not from file://
 * (Electron security checklist: "Use a custom protocol instead of file://"): pages from file://
 * could read any other local file, an app:// page can only reach the renderer folder.
 */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://renderer`
export const APP_INDEX = `${APP_ORIGIN}/index.html`

/** Must run before the app is ready: the scheme behaves like https (secure, standard origin). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }
  ])
}

/** The file an app:// URL stands for, or undefined when it points outside the renderer folder. */
export function rendererFileOf(url: string, rendererDir: string): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return undefined
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return undefined
  let path: string
  try {
    path = decodeURIComponent(parsed.pathname)
  } catch {
    return undefined
  }
  const root = resolve(rendererDir)
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`)
  const inside = relative(root, file)
  if (inside === '' || inside.startsWith('..') || inside.split(sep).includes('..')) return undefined
  return file
}

/** Serves app://renderer/… from the built renderer folder; anything else is a 404. */
export function handleAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  net: Pick<Net, 'fetch'>,
  rendererDir: string
): void {
  protocol.handle(APP_SCHEME, (request) => {
    const file = rendererFileOf(request.url, rendererDir)
    if (!file) return new Response('Not found', { status: 404 })
    return net.fetch(pathToFileURL(file).href)
  })
}
