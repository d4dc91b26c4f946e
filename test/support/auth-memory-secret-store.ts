import type { SecretStore } from '../../src-main/auth/secret-store'

/**
 * An in-memory SecretStore for unit tests only (the product has no non-keychain store on
 * purpose). `unavailable` makes every call fail the way a missing keychain does.
 */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>()
  calls = 0

  constructor(private readonly unavailable?: () => Error) {}

  get(account: string): Promise<string | undefined> {
    return this.run(() => this.values.get(account))
  }

  set(account: string, value: string): Promise<void> {
    return this.run(() => {
      this.values.set(account, value)
    })
  }

  delete(account: string): Promise<boolean> {
    return this.run(() => this.values.delete(account))
  }

  private run<T>(fn: () => T): Promise<T> {
    this.calls += 1
    if (this.unavailable) return Promise.reject(this.unavailable())
    return Promise.resolve(fn())
  }
}
