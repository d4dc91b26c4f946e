import http from 'node:http'
import { type AddressInfo } from 'node:net'
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  PublicClientApplication,
  ServerError,
  type AuthenticationResult
} from '@azure/msal-node'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createIdentityProvider,
  type IdentityProvider
} from '../../../src-main/sandbox/identity/provider'
// msal's interactive promise never settles if the browser never answers (msal-offline.md Q1).
import { within } from '../../support/auth-testbed'
import { FakeBrowser } from '../../support/fake-browser'

/**
 * The sandbox identity provider against the real @azure/msal-node 7 over real HTTP on
 * 127.0.0.1, configured exactly as msal-offline.md "TL;DR" says (https authority +
 * knownAuthorities host:port + authorityMetadata string). No part of msal is mocked.
 */

let idp: IdentityProvider
let server: http.Server
let origin = ''
let clock = Date.now()
const tokenCalls: string[] = []
const realFetch = globalThis.fetch
/** Everything written to the console or stdio while the tests run (the log scan below). */
const output: string[] = []
/** Every token/code/secret the tests saw, to look for in `output`. */
const secrets = new Set<string>()

const resource = (): string => origin
const userScope = (): string => `${origin}/user_impersonation`

function msalAuth() {
  const e = idp.endpoints()
  return {
    authority: e.authority,
    knownAuthorities: [e.knownAuthority],
    authorityMetadata: e.authorityMetadata
  }
}

const publicApp = (): PublicClientApplication =>
  new PublicClientApplication({ auth: { clientId: idp.publicClientId, ...msalAuth() } })

function remember(result: AuthenticationResult | null): AuthenticationResult {
  if (!result) throw new Error('no result')
  secrets.add(result.accessToken)
  if (result.idToken) secrets.add(result.idToken)
  return result
}

/** The refresh tokens msal holds, so the log scan looks for them too. */
function rememberRefreshTokens(app: PublicClientApplication): void {
  const cache = JSON.parse(app.getTokenCache().serialize()) as {
    RefreshToken?: Record<string, { secret: string }>
  }
  for (const entry of Object.values(cache.RefreshToken ?? {})) secrets.add(entry.secret)
}

async function signIn(
  app: PublicClientApplication,
  script: ConstructorParameters<typeof FakeBrowser>[0] = {},
  extra: { nonce?: string; loginHint?: string } = {}
): Promise<{ result: AuthenticationResult; browser: FakeBrowser }> {
  const browser = new FakeBrowser(script)
  const result = await within(
    app.acquireTokenInteractive({
      scopes: [userScope()],
      openBrowser: browser.openBrowser,
      ...extra
    }),
    10_000,
    'interactive sign-in'
  )
  const code = browser.lastDelivery?.fields.code
  if (code) secrets.add(code)
  rememberRefreshTokens(app)
  return { result: remember(result), browser }
}

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(args.map(String).join(' '))
    })
  }
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
    vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk))
      return write(chunk, ...rest)
    })
  }
  // msal must only talk to the loopback IdP (msal-offline.md: "the only HTTP calls").
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (url.hostname !== '127.0.0.1') return Promise.reject(new Error(`blocked ${url.host}`))
    return realFetch(input, init)
  }
  idp = createIdentityProvider({ origin: () => origin, now: () => clock })
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin)
    if (url.pathname.endsWith('/oauth2/v2.0/token')) tokenCalls.push(url.pathname)
    idp.handle(req, res, url).then(
      (handled) => {
        if (!handled) res.writeHead(404).end()
      },
      () => res.writeHead(500).end()
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  secrets.add(idp.confidentialClient.clientSecret)
})

afterAll(async () => {
  globalThis.fetch = realFetch
  vi.restoreAllMocks()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('interactive sign-in with msal-node (msal-offline.md Q1)', () => {
  it('signs in through the sign-in page and issues a token the Dataverse side accepts', async () => {
    const { result, browser } = await signIn(publicApp(), { user: 'Avery Admin' })
    expect(result.account?.username).toBe('admin@sandbox.local')
    expect(result.account?.name).toBe('Avery Admin')
    expect(result.account?.tenantId).toBe(idp.tenantId)
    // client_info → homeAccountId uid.utid (msal-offline.md)
    expect(result.account?.homeAccountId).toBe(`${result.account?.localAccountId}.${idp.tenantId}`)
    expect(result.account?.environment).toBe(idp.endpoints().knownAuthority)
    expect(result.scopes).toEqual([userScope()])
    expect(result.idTokenClaims).not.toHaveProperty('nonce')
    expect(browser.lastDelivery?.fields).toHaveProperty('client_info')

    const principal = await idp.authenticate(`Bearer ${result.accessToken}`, resource())
    expect(principal).toEqual({
      oid: result.account?.localAccountId,
      tenantId: idp.tenantId,
      kind: 'user',
      name: 'Avery Admin',
      username: 'admin@sandbox.local',
      appId: idp.publicClientId,
      scopes: ['user_impersonation'],
      roles: []
    })
  })

  it('picks another demo user by username, and echoes a nonce only when one was sent', async () => {
    const { result } = await signIn(
      publicApp(),
      { user: 'reader@sandbox.local' },
      { nonce: 'n-42' }
    )
    expect(result.account?.username).toBe('reader@sandbox.local')
    expect(result.idTokenClaims).toMatchObject({ nonce: 'n-42', name: 'Riley Reader' })
  })

  it('serves silent calls from the cache, then refreshes (with rotation) when forced', async () => {
    const app = publicApp()
    const { result: first } = await signIn(app)
    const account = first.account
    if (!account) throw new Error('no account')
    const before = tokenCalls.length

    const cached = remember(await app.acquireTokenSilent({ account, scopes: [userScope()] }))
    expect(cached.fromCache).toBe(true)
    expect(cached.accessToken).toBe(first.accessToken)
    expect(tokenCalls.length).toBe(before)

    const refreshed = remember(
      await app.acquireTokenSilent({ account, scopes: [userScope()], forceRefresh: true })
    )
    expect(refreshed.fromCache).toBe(false)
    expect(refreshed.accessToken).not.toBe(first.accessToken)
    expect(tokenCalls.length).toBe(before + 1)
    await expect(
      idp.authenticate(`Bearer ${refreshed.accessToken}`, resource())
    ).resolves.toMatchObject({
      oid: account.localAccountId
    })
  })

  it('pre-selects the loginHint user on the sign-in page', async () => {
    const { result } = await signIn(publicApp(), {}, { loginHint: 'maker@sandbox.local' })
    expect(result.account?.username).toBe('maker@sandbox.local')
  })

  it('answers .default as user_impersonation, so silent .default calls miss the cache (msal-offline.md)', async () => {
    const app = publicApp()
    const { result } = await signIn(app)
    const account = result.account
    if (!account) throw new Error('no account')
    const before = tokenCalls.length
    const scopes = [`${origin}/.default`]
    const a = remember(await app.acquireTokenSilent({ account, scopes }))
    const b = remember(await app.acquireTokenSilent({ account, scopes }))
    expect(a.scopes).toEqual([userScope()])
    expect([a.fromCache, b.fromCache]).toEqual([false, false])
    expect(tokenCalls.length).toBe(before + 2)
    rememberRefreshTokens(app)
  })

  it('refreshes on every silent call when tokens live less than msal’s 300 s renewal offset', async () => {
    const app = publicApp()
    const { result } = await signIn(app)
    const account = result.account
    if (!account) throw new Error('no account')
    idp.setAccessTokenLifetime(120)
    try {
      const short = remember(
        await app.acquireTokenSilent({ account, scopes: [userScope()], forceRefresh: true })
      )
      const before = tokenCalls.length
      const again = remember(await app.acquireTokenSilent({ account, scopes: [userScope()] }))
      expect(short.expiresOn).toBeTruthy()
      expect(again.fromCache).toBe(false)
      expect(tokenCalls.length).toBe(before + 1)
    } finally {
      idp.setAccessTokenLifetime(3600)
    }
  })

  it('turns a revoked refresh token into InteractionRequiredAuthError (bad_token)', async () => {
    const app = publicApp()
    const { result } = await signIn(app)
    const account = result.account
    if (!account) throw new Error('no account')
    idp.revokeRefreshTokens()
    const error = await app
      .acquireTokenSilent({ account, scopes: [userScope()], forceRefresh: true })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InteractionRequiredAuthError)
    expect(error).toMatchObject({ errorCode: 'invalid_grant', subError: 'bad_token' })
    // …and the app recovers by signing in again.
    const { result: again } = await signIn(app)
    expect(again.account?.homeAccountId).toBe(account.homeAccountId)
  })

  it('rejects quickly with access_denied when the user presses Cancel on the sign-in page', async () => {
    const browser = new FakeBrowser({ action: 'cancel' })
    const started = Date.now()
    const error = await within(
      publicApp().acquireTokenInteractive({
        scopes: [userScope()],
        openBrowser: browser.openBrowser
      }),
      5_000,
      'cancelled sign-in'
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerError)
    expect(error).toMatchObject({ errorCode: 'access_denied' })
    expect(String((error as ServerError).errorMessage)).toContain('AADSTS65004')
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('rejects with access_denied when the app cancels a sign-in the browser never finished', async () => {
    const browser = new FakeBrowser({ action: 'ignore' })
    const pending = publicApp()
      .acquireTokenInteractive({ scopes: [userScope()], openBrowser: browser.openBrowser })
      .catch((e: unknown) => e)
    await vi.waitFor(() => expect(browser.pages.length).toBe(1))
    expect(browser.pages[0]?.body).toContain('Sign in to the sandbox')
    await browser.cancelPending()
    const error = await within(pending, 5_000, 'app-cancelled sign-in')
    expect(error).toMatchObject({ errorCode: 'access_denied' })
  })

  it('shows the sign-in page with the sandbox note and a CSP (msal never left 127.0.0.1)', async () => {
    const { browser } = await signIn(publicApp())
    const signInPage = browser.pages[0]
    expect(signInPage?.headers['content-security-policy']).toContain("default-src 'none'")
    expect(signInPage?.body).toContain('not Microsoft')
  })
})

describe('client credentials with msal-node (msal-offline.md Q3)', () => {
  const confidential = (secret = idp.confidentialClient.clientSecret, clientId?: string) =>
    new ConfidentialClientApplication({
      auth: {
        clientId: clientId ?? idp.confidentialClient.clientId,
        clientSecret: secret,
        ...msalAuth()
      }
    })
  const appScope = (): string => `${origin}/.default`

  it('issues an app token the Dataverse side accepts, and msal caches it', async () => {
    const app = confidential()
    const first = remember(await app.acquireTokenByClientCredential({ scopes: [appScope()] }))
    expect(first.fromCache).toBe(false)
    const second = remember(await app.acquireTokenByClientCredential({ scopes: [appScope()] }))
    expect(second.fromCache).toBe(true)
    expect(second.accessToken).toBe(first.accessToken)
    const principal = await idp.authenticate(`Bearer ${first.accessToken}`, resource())
    expect(principal).toMatchObject({
      kind: 'app',
      appId: idp.confidentialClient.clientId,
      tenantId: idp.tenantId,
      scopes: [],
      roles: []
    })
    expect(principal.username).toBeUndefined()
  })

  it('answers a wrong secret with invalid_client (AADSTS7000215)', async () => {
    const error = await confidential('not-the-secret')
      .acquireTokenByClientCredential({ scopes: [appScope()] })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServerError)
    expect(error).toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215 })
  })

  it('answers an unknown client with unauthorized_client (AADSTS700016)', async () => {
    const error = await confidential('x', '11111111-2222-4333-8444-555555555555')
      .acquireTokenByClientCredential({ scopes: [appScope()] })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ errorCode: 'unauthorized_client', errorNo: 700016 })
  })

  it('refuses a scope other than <resource>/.default (AADSTS1002012)', async () => {
    const error = await confidential()
      .acquireTokenByClientCredential({ scopes: [userScope()] })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ errorCode: 'invalid_scope', errorNo: 1002012 })
  })
})

describe('authenticate() as the Dataverse side uses it (reference §9)', () => {
  let accessToken = ''
  beforeAll(async () => {
    const { result } = await signIn(publicApp())
    accessToken = result.accessToken
  })
  const rejection = (authorization: string | undefined, at = resource()) =>
    idp.authenticate(authorization, at).then(
      () => {
        throw new Error('accepted')
      },
      (e: unknown) => e as { status: number; message: string; headers: Record<string, string> }
    )

  it('401 MissingCrmAuthenticationToken without a header, with the authority in the challenge', async () => {
    const error = await rejection(undefined)
    expect(error.status).toBe(401)
    expect(error.message).toMatch(/^MissingCrmAuthenticationToken:/)
    expect(error.headers['WWW-Authenticate']).toBe(
      `Bearer authorization_uri=${origin}/${idp.tenantId}/oauth2/authorize, resource_id=${origin}/`
    )
  })

  it('401 ExpiredAuthTicket once the clock passes exp', async () => {
    const saved = clock
    clock += 3601_000
    try {
      const error = await rejection(`Bearer ${accessToken}`)
      expect(error.message).toMatch(/^ExpiredAuthTicket: The access token expired at /)
    } finally {
      clock = saved
    }
  })

  it('401 InvalidAuthTicket for another environment’s token', async () => {
    const error = await rejection(`Bearer ${accessToken}`, 'http://127.0.0.1:1')
    expect(error.message).toMatch(/^InvalidAuthTicket: The access token's audience/)
  })

  it('401 TamperedAuthTicket when the payload was changed', async () => {
    const [header, payload, signature] = accessToken.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >
    claims.oid = '0a1d2b3c-4e5f-4a6b-8c7d-1e2f3a4b5c01'
    claims.name = 'Mallory'
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    const error = await rejection(`Bearer ${forged}`)
    expect(error.message).toMatch(/^TamperedAuthTicket:/)
    expect(error.message).not.toContain(forged)
  })
})

describe('secrets stay out of logs', () => {
  it('never wrote a token, code or the client secret to the console', () => {
    expect(secrets.size).toBeGreaterThan(5)
    const all = output.join('\n')
    for (const secret of secrets) expect(all.includes(secret)).toBe(false)
  })
})
