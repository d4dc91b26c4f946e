import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The sign-in layer's corner of the data folder: `<data dir>/auth/`, private to the user (0700).
 * It holds only the encrypted token caches and `keychain-id`, a random, non-secret name that ties
 * this data folder to its keychain entries (secret-store.ts `secretAccounts`): moving the folder
 * keeps its sign-ins, and a second data folder (tests, another profile) gets its own entries.
 */
export class AuthFolder {
  readonly dir: string
  private namespace: Promise<string> | undefined

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'auth')
  }

  async ensure(): Promise<string> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
    return this.dir
  }

  /** The keychain namespace of this data folder, created on first use. */
  keychainNamespace(): Promise<string> {
    this.namespace ??= this.readOrCreateNamespace().catch((err: unknown) => {
      this.namespace = undefined
      throw err
    })
    return this.namespace
  }

  private async readOrCreateNamespace(): Promise<string> {
    const file = join(await this.ensure(), 'keychain-id')
    const existing = await readId(file)
    if (existing) return existing
    const id = `dvsync-${randomBytes(12).toString('hex')}`
    try {
      // 'wx': when two processes start at once, one creates the file and both use its id.
      await writeFile(file, `${id}\n`, { flag: 'wx', mode: 0o600 })
      return id
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const raced = await readId(file)
      if (!raced)
        throw new Error(`${file} is empty or unreadable; delete it and sign in again.`, {
          cause: err
        })
      return raced
    }
  }
}

async function readId(file: string): Promise<string | undefined> {
  try {
    const id = (await readFile(file, 'utf8')).trim()
    return /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : undefined
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}
