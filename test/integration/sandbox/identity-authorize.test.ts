import http from 'node:http'
import { randomBytes, createHash } from 'node:crypto'
import { type AddressInfo } from 'node:net'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createIdentityProvider,
  type IdentityProvider
} from '../../../src-main/sandbox/identity/provider'
import { FakeBrowser, pageText } from '../../support/fake-browser'

/**
 * The browser-facing endpoints over raw HTTP: authorize (sign-in page, errors sent back to the
 * app), discovery, keys, logout and routing (Entra v2 shapes, msal-offline.md Q1).
 */

let idp: IdentityProvider
let server: http.Server
let origin = ''
/** The app's loopback redirect URI; nothing listens there because nothing is delivered. */
const REDIRECT = 'http://localhost:53682'

beforeAll(async () => {
  idp = createIdentityProvider({ origin: () => origin })
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin)
    void idp.handle(req, res, url).then((handled) => {
      if (!handled) res.writeHead(404).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const base = (tenant = idp.tenantId): string => `${origin}/${tenant}`
const challenge = (): string =>
  createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url')

function authorizeUrl(params: Record<string, string | undefined> = {}, tenant?: string): string {
  const url = new URL(`${base(tenant)}/oauth2/v2.0/authorize`)
  const all: Record<string, string | undefined> = {
    client_id: idp.publicClientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    response_mode: 'form_post',
    scope: `${origin}/user_impersonation openid profile offline_access`,
    state: 'st-1',
    client_info: '1',
    code_challenge_method: 'S256',
    ...params
  }
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) url.searchParams.set(name, value)
  }
  return url.toString()
}

describe('authorize endpoint', () => {
  const open = (url: string) => fetch(url, { redirect: 'manual' })

  it('shows an error page, and never redirects, for an unknown client or redirect URI', async () => {
    const unknown = await open(authorizeUrl({ client_id: '11111111-2222-4333-8444-555555555555' }))
    expect(unknown.status).toBe(400)
    expect(pageText(await unknown.text())).toContain('AADSTS700016')
    const evil = 'https://evil.example/"><img src=x onerror=alert(1)>'
    const badRedirect = await open(authorizeUrl({ redirect_uri: evil }))
    expect(badRedirect.status).toBe(400)
    expect(badRedirect.headers.get('location')).toBeNull()
    const html = await badRedirect.text()
    expect(html).toContain('AADSTS50011')
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('sends later errors back to the app with its state (PKCE missing, bad scope, prompt=none)', async () => {
    const cases: [Record<string, string | undefined>, string, number][] = [
      [{ code_challenge: undefined }, 'invalid_request', 9002325],
      [{ code_challenge: challenge(), scope: 'User.Read openid' }, 'invalid_scope', 70011],
      [
        {
          code_challenge: challenge(),
          scope: 'https://contoso.crm.dynamics.com/user_impersonation'
        },
        'invalid_resource',
        500011
      ],
      [{ code_challenge: challenge(), code_challenge_method: 'plain' }, 'invalid_request', 501491],
      [{ code_challenge: challenge(), prompt: 'none' }, 'login_required', 50058]
    ]
    for (const [params, error, code] of cases) {
      const delivery = await new FakeBrowser({ deliver: false }).run(authorizeUrl(params))
      expect(delivery?.redirectUri).toBe(`${REDIRECT}/`)
      expect(delivery?.fields).toMatchObject({ error, state: 'st-1' })
      expect(delivery?.fields.error_description).toMatch(new RegExp(`^AADSTS${code}: `))
    }
  })

  it('supports response_mode=query with a 302 to the redirect URI', async () => {
    const response = await open(
      authorizeUrl({ response_mode: 'query', code_challenge: challenge(), prompt: 'none' })
    )
    expect(response.status).toBe(302)
    const location = new URL(response.headers.get('location') ?? '')
    expect(location.origin).toBe(REDIRECT)
    expect(location.searchParams.get('error')).toBe('login_required')
  })

  it('accepts organizations/common/domain paths for sign-in, not consumers', async () => {
    for (const tenant of ['organizations', 'common', 'sandbox.local']) {
      const page = await open(authorizeUrl({ code_challenge: challenge() }, tenant))
      expect(page.status).toBe(200)
    }
    const consumers = await open(authorizeUrl({ code_challenge: challenge() }, 'consumers'))
    expect(pageText(await consumers.text())).toContain('AADSTS90002')
  })

  it('cancels with access_denied (AADSTS65004) and escapes the echoed state', async () => {
    const state = '"><script>alert(1)</script>'
    const browser = new FakeBrowser({ action: 'cancel', deliver: false })
    const delivery = await browser.run(authorizeUrl({ code_challenge: challenge(), state }))
    expect(delivery?.fields).toMatchObject({
      error: 'access_denied',
      error_subcode: 'cancel',
      state
    })
    const formPost = browser.pages.at(-1)?.body ?? ''
    expect(formPost).not.toContain('<script>alert')
    expect(formPost).toContain('&quot;&gt;&lt;script&gt;')
  })

  it('uses each sign-in page once', async () => {
    const browser = new FakeBrowser({ deliver: false })
    await browser.run(authorizeUrl({ code_challenge: challenge() }))
    const signIn = browser.pages[0]?.body ?? ''
    const flow = /name="flow" value="([^"]+)"/.exec(signIn)?.[1] ?? ''
    const replay = await fetch(`${base()}/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ flow, user: 'admin@sandbox.local', action: 'sign-in' }).toString()
    })
    expect(replay.status).toBe(400)
    expect(pageText(await replay.text())).toContain('expired')
  })
})

describe('discovery, keys, logout, routing', () => {
  it('publishes discovery consistent with endpoints() and the issuer of msal-offline.md', async () => {
    const e = idp.endpoints()
    const config = (await (
      await fetch(`${base()}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    expect(config).toMatchObject({
      ...(JSON.parse(e.authorityMetadata) as object),
      issuer: `${origin}/${idp.tenantId}/v2.0`,
      token_endpoint: e.tokenEndpoint
    })
    expect(e.authority).toBe(`https://${new URL(origin).host}/${idp.tenantId}`)
    expect(e.knownAuthority).toBe(new URL(origin).host)
    const common = (await (
      await fetch(`${base('common')}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>
    expect(common.issuer).toBe(`${origin}/{tenantid}/v2.0`)
  })

  it('serves a JWKS that a third-party verifier (jose) accepts', async () => {
    const response = await fetch(`${base()}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: idp.confidentialClient.clientId,
        client_secret: idp.confidentialClient.clientSecret,
        scope: `${origin}/.default`
      }).toString()
    })
    const body = (await response.json()) as { access_token: string }
    const jwks = createRemoteJWKSet(new URL(idp.endpoints().jwksUri))
    const { payload, protectedHeader } = await jwtVerify(body.access_token, jwks, {
      issuer: idp.endpoints().issuer,
      audience: origin
    })
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' })
    expect(protectedHeader.kid).toBeTruthy()
    expect(payload).toMatchObject({ idtyp: 'app', appid: idp.confidentialClient.clientId })
  })

  it('signs out to a page, or back to a loopback post_logout_redirect_uri', async () => {
    const page = await fetch(`${base()}/oauth2/v2.0/logout`)
    expect(pageText(await page.text())).toContain('You signed out')
    const back = await fetch(
      `${base()}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent('http://localhost:4000/')}&state=s`,
      { redirect: 'manual' }
    )
    expect(back.status).toBe(302)
    expect(back.headers.get('location')).toBe('http://localhost:4000/?state=s')
  })

  it('leaves other paths to the caller (handle returns false)', async () => {
    expect((await fetch(`${origin}/api/data/v9.2/accounts`)).status).toBe(404)
    expect((await fetch(`${origin}/`)).status).toBe(404)
  })
})
