import { describe, expect, it } from 'vitest'
import { KeychainUnavailableError } from '../../../src-main/auth/errors'
import { KeytarSecretStore, type KeytarModule } from '../../../src-main/auth/keytar-secret-store'

/**
 * Failure handling of the keytar store with an injected module loader (the real keychain is
 * tested in test/integration/auth/keychain.test.ts against gnome-keyring).
 */
describe('KeytarSecretStore', () => {
  it('says how to get a keychain when keytar cannot be loaded', async () => {
    const store = new KeytarSecretStore({
      platform: 'linux',
      load: () => Promise.reject(new Error('Cannot find module keytar'))
    })
    const error = await store.set('a', 'secret-value').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect((error as Error).message).toMatch(
      /^The OS keychain module \(keytar\) could not be loaded \(Cannot find module keytar\), so no secret can be stored\. Install and unlock a keychain: libsecret/
    )
    expect((error as Error).message).not.toContain('secret-value')
  })

  it('turns keychain errors into KeychainUnavailableError and retries loading later', async () => {
    let loads = 0
    const locked: KeytarModule = {
      getPassword: () => Promise.reject(new Error('Cannot get secret of a locked object')),
      setPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')),
      deletePassword: () => Promise.resolve(false)
    }
    const store = new KeytarSecretStore({
      platform: 'darwin',
      load: () => (++loads === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve(locked))
    })
    await expect(store.get('a')).rejects.toBeInstanceOf(KeychainUnavailableError)
    const error = await store.set('a', 'b').catch((e: Error) => e.message)
    expect(error).toBe(
      'Could not write to the OS keychain (Cannot create an item in a locked collection). Unlock the login keychain (Keychain Access) and try again, or use --auth token-command or env-token, which store nothing.'
    )
    expect(loads).toBe(2)
  })

  it('passes values through and maps "none" to undefined', async () => {
    const values = new Map<string, string>()
    const memory: KeytarModule = {
      getPassword: (s, a) => Promise.resolve(values.get(`${s}/${a}`) ?? null),
      setPassword: (s, a, p) => Promise.resolve(void values.set(`${s}/${a}`, p)),
      deletePassword: (s, a) => Promise.resolve(values.delete(`${s}/${a}`))
    }
    const store = new KeytarSecretStore({ service: 'svc', load: () => Promise.resolve(memory) })
    expect(await store.get('k')).toBeUndefined()
    await store.set('k', 'v')
    expect(values.get('svc/k')).toBe('v')
    expect(await store.get('k')).toBe('v')
    expect(await store.delete('k')).toBe(true)
  })
})
