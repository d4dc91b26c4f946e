import { AuthenticationError } from '../dataverse/errors'

/**
 * Sign-in failures as types the app and the CLI can act on. Every one extends the Dataverse
 * client's AuthenticationError, so the CLI maps all of them to exit code 3 ("authentication
 * failed", shared/design/cli.md) with one `instanceof`, and the UI picks its action by `code`:
 * 'sign-in-required' → show Sign in; 'keychain-unavailable' → explain the keychain; and so on.
 * Messages say what to do next and never contain a token or a secret (see redact()).
 */
export type AuthErrorCode =
  /** No usable account or refresh token: sign in interactively again. */
  | 'sign-in-required'
  | 'sign-in-cancelled'
  | 'sign-in-timeout'
  /** The system browser could not be opened for an interactive sign-in. */
  | 'browser-unavailable'
  /** No OS keychain (or it is locked): nothing secret can be stored, so nothing is. */
  | 'keychain-unavailable'
  /** The environment's sign-in settings are incomplete or wrong (tenant, client id, files…). */
  | 'configuration'
  /** The identity provider refused the app's credential (client secret or certificate). */
  | 'credential-rejected'
  | 'token-command'
  | 'env-token'
  /** The identity provider answered something unexpected or refused for another reason. */
  | 'identity-provider'
  /** The identity provider (or the sandbox's sign-in settings) could not be reached at all. */
  | 'unreachable'

export class AuthFailedError extends AuthenticationError {
  override name = 'AuthFailedError'
  constructor(
    readonly code: AuthErrorCode,
    message: string
  ) {
    super(message)
  }
}

/** The refresh token was rejected (InteractionRequired, invalid_grant) or there is no account. */
export class SignInRequiredError extends AuthFailedError {
  override name = 'SignInRequiredError'
  constructor(message: string) {
    super('sign-in-required', message)
  }
}

export class SignInCancelledError extends AuthFailedError {
  override name = 'SignInCancelledError'
  constructor(message: string) {
    super('sign-in-cancelled', message)
  }
}

export class SignInTimeoutError extends AuthFailedError {
  override name = 'SignInTimeoutError'
  constructor(message: string) {
    super('sign-in-timeout', message)
  }
}

export class KeychainUnavailableError extends AuthFailedError {
  override name = 'KeychainUnavailableError'
  constructor(message: string) {
    super('keychain-unavailable', message)
  }
}

/**
 * How to get a working keychain on this platform (ARCHITECTURE.md security rules: no keychain,
 * no stored secrets). The Linux wording follows msal-offline.md Q4 (libsecret + an unlocked
 * Secret Service such as gnome-keyring).
 */
export function keychainHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'linux')
    return 'Install and unlock a keychain: libsecret plus a Secret Service such as gnome-keyring or KWallet (on a server without a desktop: run inside `dbus-run-session` with `gnome-keyring-daemon --unlock --components=secrets`). Alternatively use --auth token-command or env-token, which store nothing.'
  if (platform === 'darwin')
    return 'Unlock the login keychain (Keychain Access) and try again, or use --auth token-command or env-token, which store nothing.'
  if (platform === 'win32')
    return 'Windows Credential Manager must be available to your user account; alternatively use --auth token-command or env-token, which store nothing.'
  return 'Install and unlock the system keychain, or use --auth token-command or env-token, which store nothing.'
}

// A JWT (three base64url parts, the first starting with '{"' encoded) or any long run of
// token-like characters: refresh tokens, codes and secrets are such runs. GUIDs (36 chars) and
// AADSTS numbers stay readable, and so do URLs (minus their query, which may carry a code).
const JWT_LIKE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g
const URL_OR_LONG_RUN = /https?:\/\/[^\s'"<>]+|[A-Za-z0-9_\-+/=~.]{40,}/g

/**
 * Removes anything that could be a token or a secret from text that came from outside (an
 * identity provider's description, a command's stderr) before it reaches an error or a log.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]')
  return out.replace(JWT_LIKE, '[redacted token]').replace(URL_OR_LONG_RUN, (run) => {
    if (!/^https?:\/\//.test(run)) return '[redacted]'
    const cut = run.search(/[?#]/)
    return cut < 0 ? run : `${run.slice(0, cut)}?[redacted]`
  })
}

/** "400 ms", "30 s", "5 minutes": for messages about timeouts. */
export const humanDuration = (ms: number): string =>
  ms < 1_000
    ? `${ms} ms`
    : ms < 120_000
      ? `${Math.round(ms / 1000)} s`
      : `${Math.round(ms / 60_000)} minutes`
