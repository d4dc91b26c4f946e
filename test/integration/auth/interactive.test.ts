import { readFileSync, writeFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  SignInCancelledError,
  SignInRequiredError,
  SignInTimeoutError
} from '../../../src-main/auth/errors'
import type { EnvironmentConfig } from '../../../src-shared/model/environment'
import { FakeBrowser } from '../../support/fake-browser'
import {
  KEYCHAIN_MISSING,
  cachedSecrets,
  claimsOf,
  decryptedCaches,
  useAuthTestbed,
  within
} from '../../support/auth-testbed'

/**
 * Interactive sign-in against the sandbox's identity provider over real HTTP, driven by the fake
 * system browser (msal-offline.md Q1–Q2), with the token cache persisted through the real
 * keychain. Needs a Secret Service (the sign-in refuses to run without one).
 */

const bed = useAuthTestbed()

/** A sandbox environment that signs users in with the sandbox's public client. */
const userEnv = (extra: Partial<EnvironmentConfig> = {}): EnvironmentConfig =>
  bed.env({ authKind: 'sandbox', clientId: bed.sandbox.publicClientId, ...extra })

async function signIn(env: EnvironmentConfig, user = 'Avery Admin'): Promise<EnvironmentConfig> {
  const browser = new FakeBrowser({ user })
  const account = await within(
    bed.service().signIn(env, { openBrowser: browser.openBrowser }),
    10_000,
    'sign-in'
  )
  bed.remember(browser.lastDelivery?.fields['code'])
  return { ...env, account }
}

async function token(env: EnvironmentConfig, forceRefresh = false): Promise<string> {
  const value = await bed.service().tokenSource(env).getToken({ forceRefresh })
  bed.remember(value)
  return value
}

/** The loopback listener of a finished sign-in must be gone (no leaked server). */
async function expectListenerClosed(browser: FakeBrowser): Promise<void> {
  const redirect = new URL(browser.opened[0] ?? '').searchParams.get('redirect_uri') ?? ''
  const target = new URL(redirect)
  target.hostname = '127.0.0.1'
  await expect(fetch(target, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow()
}

describe.skipIf(KEYCHAIN_MISSING.length > 0)('interactive sign-in (sandbox IdP, real HTTP)', () => {
  it('signs in through the system browser and returns the account the environment remembers', async () => {
    const before = bed.tokenRequests()
    const env = await signIn(userEnv())
    expect(env.account).toEqual({
      username: 'admin@sandbox.local',
      homeAccountId: expect.stringMatching(/\./),
      name: 'Avery Admin'
    })
    expect(bed.tokenRequests()).toBe(before + 1)
    const access = await token(env)
    // Silent from the cache: no further token request; the user_impersonation scope (reference §9).
    expect(bed.tokenRequests()).toBe(before + 1)
    expect(claimsOf(access)).toMatchObject({
      aud: bed.sandbox.url,
      scp: 'user_impersonation',
      preferred_username: 'admin@sandbox.local'
    })
  })

  it('keeps several environments and accounts at once, each with its own account', async () => {
    const admin = await signIn(userEnv(), 'admin@sandbox.local')
    const reader = await signIn(userEnv(), 'reader@sandbox.local')
    // The 'interactive' kind with the sandbox as authority: same code path, overrides only.
    const maker = await signIn(
      bed.env({
        authKind: 'interactive',
        authority: bed.sandbox.authority,
        clientId: bed.sandbox.publicClientId
      }),
      'maker@sandbox.local'
    )
    const users = await Promise.all(
      [admin, reader, maker, admin].map(async (env) => claimsOf(await token(env)))
    )
    expect(users.map((c) => c['preferred_username'])).toEqual([
      'admin@sandbox.local',
      'reader@sandbox.local',
      'maker@sandbox.local',
      'admin@sandbox.local'
    ])
    expect(await bed.service().isSignedIn(reader)).toBe(true)
  })

  it('refreshes an access token near expiry and serves fresh ones from the cache', async () => {
    // msal renews 300 s before expiry (msal-offline.md Q2): a 120 s token is "near expiry".
    bed.sandbox.controls.identity.setAccessTokenLifetime(120)
    try {
      const env = await signIn(userEnv())
      const start = bed.tokenRequests()
      const first = await token(env)
      const second = await token(env)
      expect(bed.tokenRequests()).toBe(start + 2)
      expect(second).not.toBe(first)
      bed.sandbox.controls.identity.setAccessTokenLifetime(3600)
      const renewed = await token(env)
      expect(await token(env)).toBe(renewed)
      expect(bed.tokenRequests()).toBe(start + 3)
    } finally {
      bed.sandbox.controls.identity.setAccessTokenLifetime(3600)
    }
  })

  it('refreshes when forced (what the Dataverse client does after a 401)', async () => {
    const env = await signIn(userEnv())
    const cached = await token(env)
    const start = bed.tokenRequests()
    const forced = await token(env, true)
    expect(forced).not.toBe(cached)
    expect(bed.tokenRequests()).toBe(start + 1)
    expect(await token(env)).toBe(forced)
  })

  it('serves many concurrent requests (the client runs several in parallel) without losing the cache', async () => {
    bed.sandbox.controls.identity.setAccessTokenLifetime(120)
    try {
      const env = await signIn(userEnv())
      const tokens = bed.service().tokenSource(env)
      const results = await within(
        Promise.all(Array.from({ length: 16 }, () => tokens.getToken())),
        10_000,
        'concurrent tokens'
      )
      bed.remember(...results)
      expect(
        results.every((t) => claimsOf(t)['preferred_username'] === 'admin@sandbox.local')
      ).toBe(true)
      // The cache is intact afterwards: the account still refreshes with what was written back.
      expect(claimsOf(await token(env, true))['preferred_username']).toBe('admin@sandbox.local')
    } finally {
      bed.sandbox.controls.identity.setAccessTokenLifetime(3600)
    }
  })

  it('turns a rejected refresh token into SignInRequiredError; signing in again recovers', async () => {
    const env = await signIn(userEnv())
    bed.sandbox.controls.identity.revokeRefreshTokens()
    const error = await token(env, true).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignInRequiredError)
    expect(error).toMatchObject({ code: 'sign-in-required' })
    expect((error as Error).message).toMatch(/no longer accepted .*invalid_grant.*Sign in again/)
    const again = await signIn(env)
    expect(again.account?.homeAccountId).toBe(env.account?.homeAccountId)
    expect(claimsOf(await token(again, true))['preferred_username']).toBe('admin@sandbox.local')
  })

  it('ends a pending sign-in cleanly when the app cancels it', async () => {
    const browser = new FakeBrowser({ action: 'ignore' })
    const controller = new AbortController()
    const pending = bed
      .service()
      .signIn(userEnv(), { openBrowser: browser.openBrowser, signal: controller.signal })
      .catch((e: unknown) => e)
    await vi.waitFor(() => expect(browser.pages.length).toBe(1))
    expect(browser.pages[0]?.body).toContain('Sign in to the sandbox')
    const started = Date.now()
    controller.abort()
    const error = await within(pending, 5_000, 'cancelled sign-in')
    expect(error).toBeInstanceOf(SignInCancelledError)
    expect((error as Error).message).toMatch(/^Sign-in to environment 'env-\d+' was cancelled\.$/)
    expect(Date.now() - started).toBeLessThan(2_000)
    await expectListenerClosed(browser)
  })

  it('reports Cancel pressed on the sign-in page as a cancelled sign-in', async () => {
    const browser = new FakeBrowser({ action: 'cancel' })
    const error = await within(
      bed.service().signIn(userEnv(), { openBrowser: browser.openBrowser }),
      5_000,
      'sign-in cancelled in the browser'
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignInCancelledError)
    expect((error as Error).message).toMatch(/cancelled in the browser/)
  })

  it('does not open the browser for a sign-in cancelled before it started', async () => {
    const browser = new FakeBrowser()
    const error = await bed
      .service()
      .signIn(userEnv(), { openBrowser: browser.openBrowser, signal: AbortSignal.abort() })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignInCancelledError)
    expect(browser.opened).toEqual([])
  })

  it('times out an abandoned sign-in with a message that says what to do', async () => {
    const browser = new FakeBrowser({ action: 'ignore' })
    const error = await within(
      bed.service().signIn(userEnv(), { openBrowser: browser.openBrowser, timeoutMs: 400 }),
      5_000,
      'abandoned sign-in'
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignInTimeoutError)
    expect((error as Error).message).toMatch(
      /was not completed within 400 ms, so it was stopped\. Start it again and finish signing in/
    )
    await expectListenerClosed(browser)
  })

  it('signs one account out, removing its tokens, and leaves the others signed in', async () => {
    const admin = await signIn(userEnv(), 'admin@sandbox.local')
    const reader = await signIn(userEnv(), 'reader@sandbox.local')
    await token(admin)
    await bed.service().signOut(reader)
    const error = await token(reader).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignInRequiredError)
    expect((error as Error).message).toMatch(/reader@sandbox\.local .* not in the token cache/)
    expect(await bed.service().isSignedIn(reader)).toBe(false)
    expect(claimsOf(await token(admin))['preferred_username']).toBe('admin@sandbox.local')
    // The persisted cache no longer holds anything of the reader, and on disk it is sealed.
    const cache = (await decryptedCaches(bed.dataDir)).join('\n')
    expect(cache).not.toContain('reader@sandbox.local')
    expect(cache).toContain('admin@sandbox.local')
    expect(
      cacheFiles()
        .map((f) => readFileSync(f, 'utf8'))
        .join('')
    ).not.toContain('@sandbox')
  })

  it('treats a tampered cache file as empty, with a log line, not a crash', async () => {
    const env = await signIn(userEnv())
    const file = cacheFiles()[0] ?? ''
    const sealed = JSON.parse(readFileSync(file, 'utf8')) as { data: string }
    const bytes = Buffer.from(sealed.data, 'base64')
    bytes[10] = (bytes[10] ?? 0) ^ 0xff
    writeFileSync(file, JSON.stringify({ ...sealed, data: bytes.toString('base64') }))
    const error = await token(env).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SignInRequiredError)
    expect(bed.logs.filter((l) => l.includes('could not be read'))).toEqual([
      expect.stringMatching(
        /^auth: the token cache token-cache-[0-9a-f]+\.json could not be read \(the token cache failed authentication .*\); it is treated as empty, so sign in again\.$/
      )
    ])
    // Signing in again writes a good cache over the bad one.
    const again = await signIn(env)
    expect(claimsOf(await token(again))['preferred_username']).toBe('admin@sandbox.local')
  })

  it('keeps every token out of the data folder, the logs and the output', async () => {
    // The account's access, refresh and ID tokens are among what the scan looks for.
    expect((await cachedSecrets(bed.dataDir)).length).toBeGreaterThanOrEqual(3)
    await bed.assertNoSecretsLeaked()
  })
})

function cacheFiles(): string[] {
  const dir = join(bed.dataDir, 'auth')
  return readdirSync(dir)
    .filter((n) => /^token-cache-[0-9a-f]+\.json$/.test(n))
    .map((n) => join(dir, n))
}
