import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node'
import { randomBytes } from 'node:crypto'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { CacheIntegrityError, open, seal } from './cache-crypto'
import type { CacheKeyProvider } from './cache-key'
import { lockFile, type HeldLock } from './file-lock'

/** MSAL's serialized form of an empty cache: deserializing it clears the in-memory cache. */
const EMPTY_CACHE = JSON.stringify({
  Account: {},
  IdToken: {},
  AccessToken: {},
  RefreshToken: {},
  AppMetadata: {}
})

/**
 * MSAL's ICachePlugin over one encrypted file in the data folder: the cache (accounts, refresh
 * and access tokens) survives restarts and is never written in plaintext. MSAL calls
 * beforeCacheAccess before every cache read (msal-offline.md Q2: "re-deserializes the persisted
 * blob on every call") and afterCacheAccess after, with cacheHasChanged when it saved something.
 *
 * - The file is sealed with AES-256-GCM (cache-crypto.ts) under a key kept in the OS keychain
 *   (cache-key.ts); the cache itself never goes to the keychain (Windows 2,560-byte limit).
 * - Writes are atomic: a private temp file (0600) renamed over the old one.
 * - A file that fails to decrypt (edited, truncated, another key) is treated as an empty cache
 *   with one clear log line: the user is asked to sign in again; nothing crashes.
 * - before→after is held under a file lock (file-lock.ts), so concurrent refreshes in this and
 *   other processes don't lose each other's rotated refresh tokens.
 */
export class EncryptedCachePlugin implements ICachePlugin {
  private held: HeldLock | undefined
  private readonly label: string
  private readonly reported = new Set<string>()

  constructor(
    readonly file: string,
    private readonly keys: CacheKeyProvider,
    private readonly log: (line: string) => void
  ) {
    this.label = basename(file)
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    const lock = await lockFile(this.file)
    try {
      context.tokenCache.deserialize((await this.read()) ?? EMPTY_CACHE)
      this.held = lock
    } catch (err) {
      await lock.release()
      throw err
    }
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    const lock = this.held
    this.held = undefined
    try {
      if (context.cacheHasChanged) await this.write(context.tokenCache.serialize())
    } finally {
      await lock?.release()
    }
  }

  /** The cache's JSON, or undefined for "empty" (no file, no key, or a file that fails checks). */
  private async read(): Promise<string | undefined> {
    let sealed: string
    try {
      sealed = await readFile(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
    const key = await this.keys.get(false)
    if (!key) {
      this.reportOnce(
        sealed,
        `auth: the token cache ${this.label} was sealed with a key that is no longer in the keychain; it is ignored, so sign in again.`
      )
      return undefined
    }
    try {
      return open(sealed, key, this.label)
    } catch (err) {
      if (!(err instanceof CacheIntegrityError)) throw err
      this.reportOnce(
        sealed,
        `auth: the token cache ${this.label} could not be read (${err.message}); it is treated as empty, so sign in again.`
      )
      return undefined
    }
  }

  private async write(json: string): Promise<void> {
    const key = await this.keys.get(true)
    if (!key) throw new Error('No token cache key could be created.')
    const temp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
    await writeFile(temp, seal(json, key, this.label), { mode: 0o600 })
    try {
      await renameWithRetry(temp, this.file)
    } catch (err) {
      await unlink(temp).catch(() => undefined)
      throw err
    }
  }

  /** One log line per distinct bad file content, not one per token request. */
  private reportOnce(content: string, line: string): void {
    const fingerprint = `${content.length}:${content.slice(-32)}`
    if (this.reported.has(fingerprint)) return
    this.reported.add(fingerprint)
    this.log(line)
  }
}

/** Windows refuses to replace a file another process has open for a moment; retry briefly. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to)
      return
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (attempt >= 5 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt))
    }
  }
}
