/**
 * The sign-in layer (issue 4). The app's composition root and the CLI use only these exports;
 * everything else in src-main/auth is an implementation detail.
 */
export { AuthService, type AuthServiceOptions, type SignInOptions } from './auth-service'
export { systemBrowserOpener, isOpenableSignInUrl } from './browser-opener'
export type { OpenBrowser } from './interactive-sign-in'
export type { SignedInAccount } from './user-accounts'
export { DATAVERSE_SAMPLE_PUBLIC_CLIENT_ID } from './environment-plan'
export { ACCESS_TOKEN_VARIABLE } from './external-token-sources'
export {
  AuthFailedError,
  KeychainUnavailableError,
  SignInCancelledError,
  SignInRequiredError,
  SignInTimeoutError,
  keychainHint,
  type AuthErrorCode
} from './errors'
export { KEYCHAIN_SERVICE, type SecretStore } from './secret-store'
export { KeytarSecretStore } from './keytar-secret-store'
export { fetchSandboxInfo, type SandboxInfo } from './sandbox-info'
