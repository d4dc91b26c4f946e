import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AuthService } from '../../../src-main/auth/auth-service'
import {
  AuthFailedError,
  KeychainUnavailableError,
  SignInRequiredError
} from '../../../src-main/auth/errors'
import { readJwt } from '../../../src-main/auth/jwt-shape'
import type { EnvironmentConfig } from '../../../src-shared/model/environment'
import { MemorySecretStore } from '../../support/auth-memory-secret-store'

/**
 * AuthService decisions that need no identity provider: keychain refusal, which kinds touch the
 * keychain, sharing of token sources, secret handling. Any network call fails the test.
 */

const dirs: string[] = []
const realFetch = globalThis.fetch
let fetches = 0
beforeAll(() => {
  globalThis.fetch = () => {
    fetches += 1
    return Promise.reject(new Error('no network in unit tests'))
  }
})
afterAll(() => {
  globalThis.fetch = realFetch
})
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function service(store = new MemorySecretStore()) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-service-'))
  dirs.push(dataDir)
  const logs: string[] = []
  return {
    dataDir,
    store,
    logs,
    auth: new AuthService({ dataDir, secrets: store, log: (l) => logs.push(l) })
  }
}

const env = (fields: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({
  id: 7,
  name: 'prod',
  url: 'https://contoso.crm.dynamics.com',
  authKind: 'interactive',
  ...fields
})
const noKeychain = () =>
  new MemorySecretStore(() => new KeychainUnavailableError('No keychain here. Install one.'))

describe('AuthService without a keychain', () => {
  it('refuses to sign in before opening a browser, and writes no cache', async () => {
    const { auth, dataDir } = service(noKeychain())
    let opened = false
    const error = await auth
      .signIn(env(), { openBrowser: () => Promise.resolve(void (opened = true)) })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(KeychainUnavailableError)
    expect(opened).toBe(false)
    expect(readdirSync(join(dataDir, 'auth'))).toEqual(['keychain-id'])
  })

  it('refuses to store a client secret', async () => {
    const { auth } = service(noKeychain())
    await expect(auth.setClientSecret(env(), 'secret')).rejects.toBeInstanceOf(
      KeychainUnavailableError
    )
    await expect(auth.checkKeychain()).rejects.toBeInstanceOf(KeychainUnavailableError)
  })

  it('still runs the kinds that store nothing (env token), never asking the keychain', async () => {
    const store = noKeychain()
    const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-service-'))
    dirs.push(dataDir)
    const token = `${b64({ alg: 'none' })}.${b64({ exp: Math.floor(Date.now() / 1000) + 600 })}.`
    const auth = new AuthService({
      dataDir,
      secrets: store,
      processEnv: { DVSYNC_ACCESS_TOKEN: token }
    })
    expect(await auth.tokenSource(env({ authKind: 'env-token' })).getToken()).toBe(token)
    expect(store.calls).toBe(0)
  })
})

describe('AuthService', () => {
  it('asks for a sign-in, without any network call, when there is no account', async () => {
    const { auth } = service()
    const none = await auth
      .tokenSource(env())
      .getToken()
      .catch((e: unknown) => e)
    expect(none).toBeInstanceOf(SignInRequiredError)
    expect((none as Error).message).toBe(
      "Environment 'prod' has no signed-in account yet. Sign in to it first."
    )
    const account = { username: 'ann@contoso.com', homeAccountId: 'uid.tid' }
    const gone = await auth
      .tokenSource(env({ account }))
      .getToken()
      .catch((e: unknown) => e)
    expect(gone).toBeInstanceOf(SignInRequiredError)
    expect((gone as Error).message).toMatch(/ann@contoso\.com .* not in the token cache/)
    expect(await auth.isSignedIn(env({ account }))).toBe(false)
    expect(fetches).toBe(0)
  })

  it('has no interactive sign-in for unattended kinds', async () => {
    const { auth } = service()
    const error = await auth
      .signIn(env({ authKind: 'env-token' }), { openBrowser: () => Promise.resolve() })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthFailedError)
    expect((error as Error).message).toMatch(/signs in unattended \(env-token\)/)
  })

  it('shares a token source per configuration, and makes a new one when it changes', () => {
    const { auth } = service()
    const a = auth.tokenSource(env())
    expect(auth.tokenSource(env())).toBe(a)
    expect(auth.tokenSource(env({ account: { username: 'u', homeAccountId: 'h' } }))).not.toBe(a)
  })

  it('stores a client secret trimmed, per data folder and environment id, and forgets it', async () => {
    const { auth, store } = service()
    await auth.setClientSecret(env(), '  s3cret\n')
    const [account] = [...store.values.keys()]
    expect(account).toMatch(/^dvsync-[0-9a-f]{24}\/client-secret\/7$/)
    expect(store.values.get(account ?? '')).toBe('s3cret')
    await expect(auth.setClientSecret(env(), ' \n')).rejects.toThrow(/is empty/)
    await auth.forgetEnvironment(env({ authKind: 'client-secret', tenantId: 't', clientId: 'c' }))
    expect(await auth.hasClientSecret(env())).toBe(false)
  })
})

describe('readJwt', () => {
  it('tells JWT-shaped tokens from garbage', () => {
    expect(readJwt(`${b64({ alg: 'RS256' })}.${b64({ exp: 5 })}.sig`)).toEqual({ exp: 5 })
    expect(readJwt(`${b64({ alg: 'none' })}.${b64({})}.`)).toEqual({})
    for (const garbage of [
      '',
      'abc',
      'a.b.c',
      `${b64([1])}.${b64({})}.x`,
      `${b64({})}.${b64({})}.x`
    ])
      expect(readJwt(garbage)).toBeUndefined()
  })
})

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}
