import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../../src-main/store/open'
import { DuplicateNameError } from '../../../src-main/store/repositories/environments'
import type { EnvironmentConfig } from '../../../src-shared/model/environment'

/**
 * Environments in the data folder (src-main/store/repositories/environments.ts): what the admin
 * configured, and never a secret (ARCHITECTURE.md security rules: secrets live in the keychain).
 */

let dir: string
let store: Store
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvsync-env-'))
  store = openStore(dir)
})
afterEach(() => {
  if (store.db.open) store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Every byte of the data folder (database, WAL and shared memory), as text. */
const folderText = (): string =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n')

describe('environments', () => {
  it('adds, finds (names ignore case), updates and removes', () => {
    const added = store.environments.add({
      name: 'Contoso-Prod',
      url: 'https://contoso.crm.dynamics.com',
      authKind: 'client-secret',
      tenantId: '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee',
      clientId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002'
    })
    expect(added).toEqual({
      id: expect.any(Number),
      name: 'Contoso-Prod',
      url: 'https://contoso.crm.dynamics.com',
      authKind: 'client-secret',
      tenantId: '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee',
      clientId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002'
    })
    expect(store.environments.byName('contoso-prod')).toEqual(added)
    expect(() =>
      store.environments.add({
        name: 'CONTOSO-PROD',
        url: 'https://x.crm.dynamics.com',
        authKind: 'interactive'
      })
    ).toThrow(DuplicateNameError)
    expect(() =>
      store.environments.add({
        name: 'odd',
        url: 'https://x.crm.dynamics.com',
        authKind: 'password' as EnvironmentConfig['authKind']
      })
    ).toThrow("Unknown sign-in kind 'password'.")

    const updated = store.environments.update({
      ...added,
      authKind: 'interactive',
      account: { username: 'admin@contoso.com', homeAccountId: 'uid.utid' }
    })
    expect(updated.account).toEqual({ username: 'admin@contoso.com', homeAccountId: 'uid.utid' })
    expect(store.environments.list().map((e) => e.name)).toEqual(['Contoso-Prod'])
    expect(store.environments.remove(added.id)).toBe(true)
    expect(store.environments.remove(added.id)).toBe(false)
    expect(store.environments.list()).toEqual([])
  })

  it('never writes a secret, even one slipped into the record', () => {
    const secrets = {
      clientSecret: 'client-secret-value-Zx81',
      token: 'access-token-value-Qq52',
      refreshToken: 'refresh-token-value-Lm07',
      password: 'password-value-Rt33'
    }
    const sneaky = {
      name: 'sneaky',
      url: 'https://sneaky.crm.dynamics.com',
      authKind: 'interactive',
      ...secrets,
      account: {
        username: 'maker@sandbox.local',
        homeAccountId: 'home.account',
        name: 'Morgan Maker',
        idToken: 'id-token-value-Vb46',
        secret: 'account-secret-value-Hn19'
      }
    } as unknown as Omit<EnvironmentConfig, 'id'>
    const added = store.environments.add(sneaky)
    store.environments.update({ ...added, ...secrets } as unknown as EnvironmentConfig)

    const read = store.environments.byId(added.id)!
    expect(read.account).toEqual({
      username: 'maker@sandbox.local',
      homeAccountId: 'home.account',
      name: 'Morgan Maker'
    })
    expect(Object.keys(read).sort()).toEqual(['account', 'authKind', 'id', 'name', 'url'])
    const everything = [
      ...Object.values(secrets),
      'id-token-value-Vb46',
      'account-secret-value-Hn19'
    ]
    for (const text of [folderText(), JSON.stringify(store.environments.list())])
      for (const secret of everything) expect(text).not.toContain(secret)
    store.close()
    for (const secret of everything) expect(folderText()).not.toContain(secret)
  })
})
