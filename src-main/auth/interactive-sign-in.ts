import type { AuthenticationResult, PublicClientApplication } from '@azure/msal-node'
import {
  AuthFailedError,
  SignInCancelledError,
  SignInTimeoutError,
  humanDuration,
  redact
} from './errors'
import { fromMsalError, type MsalErrorContext } from './msal-errors'

/** Opens a URL in the system browser: Electron's shell.openExternal, or browser-opener.ts. */
export type OpenBrowser = (url: string) => Promise<void>

export interface InteractiveRequest {
  scopes: string[]
  openBrowser: OpenBrowser
  timeoutMs: number
  signal?: AbortSignal
  loginHint?: string
  errors: MsalErrorContext
}

/** Once the loopback listener got our cancel, MSAL settles in well under a second (Q1: ~0.3 s). */
const SETTLE_AFTER_CANCEL_MS = 5_000

/**
 * An interactive sign-in: msal-node's auth code + PKCE flow with its loopback listener (form_post,
 * msal-offline.md Q1), the authorize URL handed to the system browser, and two ways to end it
 * that msal itself lacks: its promise "never settles" when the browser never answers, and there
 * is no abort API. Both Cancel (the signal) and the timeout end it the way msal-offline.md
 * verified: POST `error=access_denied&state=…` to the redirect_uri, so msal rejects and closes
 * its listener. A cancelled or abandoned sign-in therefore leaves no listener or promise behind.
 */
export async function signInInteractively(
  app: PublicClientApplication,
  request: InteractiveRequest
): Promise<AuthenticationResult> {
  const where = `environment '${request.errors.envName}'`
  if (request.signal?.aborted) throw new SignInCancelledError(`Sign-in to ${where} was cancelled.`)
  let authorizeUrl: string | undefined
  let ended: 'cancelled' | 'timeout' | undefined
  let settled = false
  let forceSettle: ((reason: Error) => void) | undefined

  const endedError = (): Error =>
    ended === 'timeout'
      ? new SignInTimeoutError(
          `Sign-in to ${where} was not completed within ${humanDuration(request.timeoutMs)}, so it was stopped. Start it again and finish signing in in the browser window that opens (if none opens, visit the printed URL).`
        )
      : new SignInCancelledError(`Sign-in to ${where} was cancelled.`)

  const end = (reason: 'cancelled' | 'timeout'): void => {
    if (ended || settled) return
    ended = reason
    if (authorizeUrl) void postCancel(authorizeUrl)
    // Should msal's listener not answer the cancel, stop waiting for it anyway.
    setTimeout(() => forceSettle?.(endedError()), SETTLE_AFTER_CANCEL_MS).unref()
  }
  const onAbort = (): void => end('cancelled')
  request.signal?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => end('timeout'), request.timeoutMs)
  timer.unref()

  const openBrowser = async (url: string): Promise<void> => {
    authorizeUrl = url
    // Cancelled while msal was still starting its listener: answer at once.
    if (ended) return postCancel(url)
    try {
      await request.openBrowser(url)
    } catch (err) {
      throw new AuthFailedError(
        'browser-unavailable',
        `Could not open the system browser to sign in to ${where} (${redact(String((err as Error)?.message ?? err))}). Set a default browser, or use the CLI, which prints the sign-in URL.`
      )
    }
  }

  const flow = app.acquireTokenInteractive({
    scopes: request.scopes,
    openBrowser,
    successTemplate: PAGE_SUCCESS,
    errorTemplate: PAGE_ERROR,
    ...(request.loginHint ? { loginHint: request.loginHint } : {})
  })
  const stuck = new Promise<never>((_, reject) => (forceSettle = reject))
  try {
    return await Promise.race([flow, stuck])
  } catch (err) {
    if (ended) throw endedError()
    throw fromMsalError(err, request.errors)
  } finally {
    settled = true
    clearTimeout(timer)
    request.signal?.removeEventListener('abort', onAbort)
    flow.catch(() => undefined)
  }
}

/**
 * What the Cancel button does (msal-offline.md Q1): deliver an access_denied answer with the
 * pending request's state to msal's own loopback listener, which then rejects the sign-in.
 * The listener binds 127.0.0.1 while the redirect_uri says localhost, so dial 127.0.0.1.
 */
async function postCancel(authorizeUrl: string): Promise<void> {
  const params = new URL(authorizeUrl).searchParams
  const redirectUri = params.get('redirect_uri')
  const state = params.get('state')
  if (!redirectUri || state === null) return
  const target = new URL(redirectUri)
  if (target.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(target.hostname)) return
  target.hostname = '127.0.0.1'
  await fetch(target, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      error: 'access_denied',
      error_description: 'The sign-in was cancelled in Dataverse Sync Studio.',
      state
    }),
    signal: AbortSignal.timeout(3_000)
  }).then(
    (response) => response.body?.cancel(),
    () => undefined
  )
}

// What the browser tab shows after the loopback listener got the answer. Static text only.
const page = (title: string, text: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;margin:3em"><h1>${title}</h1><p>${text}</p></body></html>`
const PAGE_SUCCESS = page(
  'Signed in',
  'Dataverse Sync Studio is signed in. You can close this tab and return to the app.'
)
const PAGE_ERROR = page(
  'Sign-in did not complete',
  'Dataverse Sync Studio was not signed in. Close this tab and return to the app to try again.'
)
