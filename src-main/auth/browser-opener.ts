import { spawn } from 'node:child_process'
import type { OpenBrowser } from './interactive-sign-in'

export interface SystemBrowserOptions {
  /** Where the URL and notes are printed (the CLI's stderr). */
  print?: (line: string) => void
  platform?: NodeJS.Platform
  /** false: only print the URL (e.g. `--no-browser`, or over SSH). */
  launch?: boolean
}

/**
 * The CLI's `openBrowser`: prints the sign-in URL (so it works over SSH or without a desktop)
 * and asks the desktop to open it in the default browser: `xdg-open` on Linux, `open` on macOS,
 * and on Windows `rundll32 url.dll,FileProtocolHandler` (unlike `cmd /c start`, it takes the URL
 * as one argument, so the `&` in the query needs no cmd.exe quoting). It resolves at once and
 * never rejects: when no browser opens, the user visits the printed URL and the sign-in's own
 * timeout still applies. Only https URLs and the sandbox's loopback sign-in pages are opened,
 * the same rule as the app's shell.openExternal guard (ARCHITECTURE.md security rules).
 */
export function systemBrowserOpener(options: SystemBrowserOptions = {}): OpenBrowser {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`))
  const platform = options.platform ?? process.platform
  return (url) => {
    if (!isOpenableSignInUrl(url)) {
      print(`Refusing to open ${describeTarget(url)}: sign-in pages must be https or loopback.`)
      return Promise.resolve()
    }
    print(`To sign in, open this address in your browser if it does not open by itself:\n${url}`)
    if (options.launch === false) return Promise.resolve()
    const [file, args] = launcher(platform, url)
    return new Promise<void>((resolve) => {
      const fallback = (why: string): void =>
        print(`Could not open a browser (${why}); open the address above yourself.`)
      try {
        const child = spawn(file, args, { stdio: 'ignore', detached: true, windowsHide: true })
        child.once('error', (err) => fallback(err.message))
        child.once('exit', (code) => {
          if (code !== 0 && code !== null) fallback(`${file} exited with code ${code}`)
        })
        child.unref()
      } catch (err) {
        fallback((err as Error).message)
      }
      resolve()
    })
  }
}

function launcher(platform: NodeJS.Platform, url: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]]
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]]
  return ['xdg-open', [url]]
}

export function isOpenableSignInUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  return (
    url.protocol === 'https:' ||
    (url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname))
  )
}

/** Scheme and host only: the rest of a refused URL is none of the terminal's business. */
function describeTarget(raw: string): string {
  try {
    const url = new URL(raw)
    return `${url.protocol}//${url.host}`
  } catch {
    return 'an invalid URL'
  }
}
