/**
 * Where the sign-in layer keeps its few secrets: client secrets and the key of the encrypted
 * token cache (ARCHITECTURE.md: secrets only in the OS keychain, or encrypted with a key kept
 * there). Values are small (a key is 44 characters, a client secret about 40), well under the
 * 2,560-byte limit of one Windows credential (msal-offline.md Q4).
 *
 * Implementations: KeytarSecretStore (the OS keychain, the only one the product uses) and an
 * in-memory one for unit tests (test/support/auth-memory-secret-store.ts). There is no
 * plaintext-file implementation on purpose: without a keychain nothing secret is stored.
 */
export interface SecretStore {
  /** The value, or undefined when there is none. Throws KeychainUnavailableError. */
  get(account: string): Promise<string | undefined>
  /** Throws KeychainUnavailableError rather than storing the value anywhere else. */
  set(account: string, value: string): Promise<void>
  /** true when something was deleted. */
  delete(account: string): Promise<boolean>
}

/** The keychain service name every entry of the product is filed under. */
export const KEYCHAIN_SERVICE = 'Dataverse Sync Studio'

/**
 * Keychain account names. `namespace` is the data folder's keychain id (data-folder.ts), so two
 * data folders (the desktop app's and a test's, or two profiles) never read each other's
 * entries; environments are identified by their stable id, not by their renameable name.
 */
export const secretAccounts = {
  cacheKey: (namespace: string): string => `${namespace}/token-cache-key`,
  clientSecret: (namespace: string, environmentId: number): string =>
    `${namespace}/client-secret/${environmentId}`
}
