import { KeychainUnavailableError, keychainHint, redact } from './errors'
import { KEYCHAIN_SERVICE, type SecretStore } from './secret-store'

/** The part of keytar's API we use (keytar 7.9, msal-offline.md Q4). */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>
  setPassword(service: string, account: string, password: string): Promise<void>
  deletePassword(service: string, account: string): Promise<boolean>
}

export interface KeytarSecretStoreOptions {
  service?: string
  /** How keytar is loaded; injectable so a test can show what happens when it can't be. */
  load?: () => Promise<KeytarModule>
  platform?: NodeJS.Platform
}

/**
 * keytar is an optionalDependency with a native part (libsecret on Linux, Keychain on macOS,
 * Credential Manager on Windows), so it is imported lazily: a machine where it did not build can
 * still run everything that needs no keychain (token command, env token, the sandbox's app).
 */
async function loadKeytar(): Promise<KeytarModule> {
  const loaded = (await import('keytar')) as KeytarModule & { default?: KeytarModule }
  // keytar is CommonJS: Node's ESM interop detects only some of its exports by name (getPassword
  // but not setPassword), so the module object itself is the default export.
  return typeof loaded.default?.setPassword === 'function' ? loaded.default : loaded
}

/**
 * The OS keychain through keytar: the only file that imports keytar. Every failure, from "keytar
 * is not installed" to "no Secret Service on the session bus" or "the collection is locked",
 * becomes a KeychainUnavailableError that says how to get a keychain; nothing falls back to a
 * plaintext file.
 */
export class KeytarSecretStore implements SecretStore {
  private readonly service: string
  private readonly platform: NodeJS.Platform
  private readonly load: () => Promise<KeytarModule>
  private module: Promise<KeytarModule> | undefined

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE
    this.platform = options.platform ?? process.platform
    this.load = options.load ?? loadKeytar
  }

  async get(account: string): Promise<string | undefined> {
    const keytar = await this.keytar()
    const value = await this.call('read from', () => keytar.getPassword(this.service, account))
    return value ?? undefined
  }

  async set(account: string, value: string): Promise<void> {
    const keytar = await this.keytar()
    await this.call('write to', () => keytar.setPassword(this.service, account, value))
  }

  async delete(account: string): Promise<boolean> {
    const keytar = await this.keytar()
    return this.call('delete from', () => keytar.deletePassword(this.service, account))
  }

  private keytar(): Promise<KeytarModule> {
    this.module ??= this.load().catch((err: unknown) => {
      this.module = undefined
      throw new KeychainUnavailableError(
        `The OS keychain module (keytar) could not be loaded (${describe(err)}), so no secret can be stored. ${keychainHint(this.platform)}`
      )
    })
    return this.module
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw new KeychainUnavailableError(
        `Could not ${what} the OS keychain (${describe(err)}). ${keychainHint(this.platform)}`
      )
    }
  }
}

/** keytar's messages name the missing piece ("Cannot autolaunch D-Bus…", "…locked collection"). */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  return redact(message.split('\n')[0] ?? message).slice(0, 300)
}
