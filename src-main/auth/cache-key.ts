import { KEY_BYTES, newKey } from './cache-crypto'
import { secretAccounts, type SecretStore } from './secret-store'

/**
 * The 256-bit key of the encrypted token caches, kept in the OS keychain (44 base64 characters:
 * far below Windows' 2,560-byte credential limit, which the MSAL cache itself would exceed,
 * msal-offline.md Q4). Read once per process and kept in memory, because MSAL consults the cache
 * plugin on every token request and a keychain round trip each time would be slow.
 */
export class CacheKeyProvider {
  private key: Buffer | undefined
  private pending: Promise<Buffer | undefined> | undefined

  constructor(
    private readonly secrets: SecretStore,
    private readonly namespace: () => Promise<string>,
    private readonly log: (line: string) => void
  ) {}

  /**
   * The key; with `create`, a new one is made and stored when there is none. Without it,
   * undefined means "no key yet" (nothing was ever cached, or the keychain entry was removed).
   * Throws KeychainUnavailableError when the keychain can't be used.
   */
  async get(create: boolean): Promise<Buffer | undefined> {
    if (this.key) return this.key
    // One keychain round trip at a time, so two first requests can't create two keys.
    const previous = this.pending ?? Promise.resolve(undefined)
    const attempt = previous
      .catch(() => undefined)
      .then(() => (this.key ? this.key : this.fetch(create)))
    this.pending = attempt
    return attempt
  }

  /** Forget the in-memory copy (after the keychain entry changed under us). */
  reset(): void {
    this.key = undefined
  }

  private async fetch(create: boolean): Promise<Buffer | undefined> {
    const account = secretAccounts.cacheKey(await this.namespace())
    const stored = await this.secrets.get(account)
    if (stored !== undefined) {
      const key = Buffer.from(stored, 'base64')
      if (key.length === KEY_BYTES) {
        this.key = key
        return key
      }
      this.log(
        'auth: the token cache key in the keychain is malformed; a new one will be made and existing sign-ins will be asked for again.'
      )
    }
    if (!create) return undefined
    const key = newKey()
    await this.secrets.set(account, key.toString('base64'))
    this.key = key
    return key
  }
}
