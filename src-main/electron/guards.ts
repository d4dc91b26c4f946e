import type { App, Session, Shell, WebContents } from 'electron'
import { isAllowedExternalUrl } from './external-links'

export interface GuardDeps {
  app: Pick<App, 'on'>
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>
  shell: Pick<Shell, 'openExternal'>
  /** The origin the renderer is loaded from; navigation anywhere else is blocked. */
  isAppUrl: (url: string) => boolean
  /** Loopback origins (the built-in sandbox's sign-in) that may open in the system browser. */
  loopbackOrigins: () => readonly string[]
}

/**
 * App-wide guards from Electron's security checklist: no new windows, no navigation away from
 * the app, no permissions, external links only to allowed URLs and only in the system browser.
 */
export function installAppGuards(deps: GuardDeps): void {
  deps.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  deps.session.setPermissionCheckHandler(() => false)
  deps.app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.setWindowOpenHandler(({ url }) => {
      openIfAllowed(deps, url)
      return { action: 'deny' }
    })
    const blockNavigation = (event: { preventDefault(): void }, url: string): void => {
      if (deps.isAppUrl(url)) return
      event.preventDefault()
      openIfAllowed(deps, url)
    }
    contents.on('will-navigate', blockNavigation)
    contents.on('will-redirect', blockNavigation)
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

function openIfAllowed(deps: GuardDeps, url: string): void {
  if (isAllowedExternalUrl(url, deps.loopbackOrigins())) void deps.shell.openExternal(url)
}
