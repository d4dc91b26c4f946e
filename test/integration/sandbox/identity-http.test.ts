import http from 'node:http'
import { randomBytes, createHash } from 'node:crypto'
import { type AddressInfo } from 'node:net'
import { decodeJwt } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createIdentityProvider,
  type IdentityProvider
} from '../../../src-main/sandbox/identity/provider'
import { FakeBrowser } from '../../support/fake-browser'

/**
 * The token endpoint over raw HTTP, for what msal never exercises: PKCE, code and
 * refresh-token rules and Entra's error shape (msal-offline.md Q2–Q3, Entra v2).
 */

let idp: IdentityProvider
let server: http.Server
let origin = ''
let clock = Date.now()
/** The app's loopback redirect URI; nothing listens there because codes are not delivered. */
const REDIRECT = 'http://localhost:53682'

beforeAll(async () => {
  idp = createIdentityProvider({ origin: () => origin, now: () => clock })
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
const scope = (): string => `${origin}/user_impersonation openid profile offline_access`

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

function authorizeUrl(params: Record<string, string | undefined> = {}, tenant?: string): string {
  const url = new URL(`${base(tenant)}/oauth2/v2.0/authorize`)
  const all: Record<string, string | undefined> = {
    client_id: idp.publicClientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    response_mode: 'form_post',
    scope: scope(),
    state: 'st-1',
    client_info: '1',
    code_challenge_method: 'S256',
    ...params
  }
  for (const [name, value] of Object.entries(all))
    if (value !== undefined) url.searchParams.set(name, value)
  return url.toString()
}

/** Signs in with the fake browser, stopping before the loopback: returns the posted fields. */
async function codeFor(
  params: Record<string, string | undefined> = {}
): Promise<{ code: string; verifier: string; fields: Record<string, string> }> {
  const { verifier, challenge } = pkce()
  const browser = new FakeBrowser({ deliver: false })
  const delivery = await browser.run(authorizeUrl({ code_challenge: challenge, ...params }))
  const code = delivery?.fields.code
  if (!code) throw new Error(`no code: ${JSON.stringify(delivery?.fields)}`)
  return { code, verifier, fields: delivery.fields }
}

async function token(
  form: Record<string, string>,
  tenant?: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${base(tenant)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString()
  })
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers
  }
}

const redeem = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  token({
    grant_type: 'authorization_code',
    client_id: idp.publicClientId,
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT,
    scope: scope(),
    client_info: '1',
    ...extra
  })

const refresh = (refreshToken: string) =>
  token({
    grant_type: 'refresh_token',
    client_id: idp.publicClientId,
    refresh_token: refreshToken,
    scope: scope(),
    client_info: '1'
  })

describe('authorization code grant', () => {
  it('answers in Entra v2 shape; .default is granted as user_impersonation (msal-offline.md)', async () => {
    const { code, verifier, fields } = await codeFor({
      scope: `${origin}/.default openid profile offline_access`
    })
    expect(fields.state).toBe('st-1')
    const user = JSON.parse(
      Buffer.from(fields.client_info ?? '', 'base64url').toString()
    ) as unknown
    expect(user).toEqual({ uid: '0a1d2b3c-4e5f-4a6b-8c7d-1e2f3a4b5c01', utid: idp.tenantId })

    const { status, body, headers } = await redeem(code, verifier)
    expect(status).toBe(200)
    expect(headers.get('cache-control')).toBe('no-store')
    expect(body).toMatchObject({
      token_type: 'Bearer',
      scope: `${origin}/user_impersonation`,
      expires_in: 3600,
      ext_expires_in: 3600,
      client_info: fields.client_info
    })
    expect(typeof body.refresh_token).toBe('string')
    const at = decodeJwt(String(body.access_token))
    expect(at).toMatchObject({
      aud: origin,
      iss: idp.endpoints().issuer,
      tid: idp.tenantId,
      oid: '0a1d2b3c-4e5f-4a6b-8c7d-1e2f3a4b5c01',
      name: 'Avery Admin',
      upn: 'admin@sandbox.local',
      preferred_username: 'admin@sandbox.local',
      appid: idp.publicClientId,
      azp: idp.publicClientId,
      scp: 'user_impersonation'
    })
    expect(at.sub).not.toBe(at.oid)
    expect(Number(at.exp) - Number(at.iat)).toBe(3600)
  })

  it('puts a nonce in the id_token only when the authorize request had one', async () => {
    const withNonce = await codeFor({ nonce: 'abc-123' })
    const a = await redeem(withNonce.code, withNonce.verifier)
    expect(decodeJwt(String(a.body.id_token))).toMatchObject({
      nonce: 'abc-123',
      aud: idp.publicClientId
    })
    const without = await codeFor()
    const b = await redeem(without.code, without.verifier)
    expect(decodeJwt(String(b.body.id_token))).not.toHaveProperty('nonce')
  })

  it('rejects a wrong PKCE code_verifier (AADSTS501481) without burning the code', async () => {
    const { code, verifier } = await codeFor()
    const wrong = await redeem(code, pkce().verifier)
    expect(wrong.status).toBe(400)
    expect(wrong.body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] })
    const missing = await redeem(code, verifier, { code_verifier: '' })
    expect(missing.body).toMatchObject({ error: 'invalid_request', error_codes: [900144] })
    expect((await redeem(code, verifier)).status).toBe(200)
  })

  it('rejects a reused code (AADSTS54005) and revokes the tokens it produced', async () => {
    const { code, verifier } = await codeFor()
    const first = await redeem(code, verifier)
    expect(first.status).toBe(200)
    const again = await redeem(code, verifier)
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] })
    const revoked = await refresh(String(first.body.refresh_token))
    expect(revoked.body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'bad_token',
      error_codes: [50173]
    })
  })

  it('rejects a redirect_uri that differs from the authorize request (AADSTS500112)', async () => {
    const { code, verifier } = await codeFor()
    const result = await redeem(code, verifier, { redirect_uri: 'http://localhost:53683' })
    expect(result.body).toMatchObject({ error: 'invalid_grant', error_codes: [500112] })
  })

  it('rejects expired (AADSTS70008), unknown (AADSTS70000) and other clients’ codes', async () => {
    const { code, verifier } = await codeFor()
    clock += 5 * 60_000 + 1
    try {
      expect((await redeem(code, verifier)).body).toMatchObject({ error_codes: [70008] })
    } finally {
      clock -= 5 * 60_000 + 1
    }
    expect((await redeem('not-a-code', verifier)).body).toMatchObject({ error_codes: [70000] })
    const other = await codeFor()
    const sample = await redeem(other.code, other.verifier, {
      client_id: '51f81489-12ee-4a9e-aaae-a2591f45987d'
    })
    expect(sample.body).toMatchObject({ error: 'invalid_grant', error_codes: [70000] })
  })

  it('refuses a secret from a public client (AADSTS700025)', async () => {
    const { code, verifier } = await codeFor()
    const result = await redeem(code, verifier, { client_secret: 'x' })
    expect(result.status).toBe(401)
    expect(result.body).toMatchObject({ error: 'invalid_client', error_codes: [700025] })
  })
})

describe('refresh token grant', () => {
  it('rotates: the replaced token works for a 60 s grace period, then is refused', async () => {
    const { code, verifier } = await codeFor()
    const first = String((await redeem(code, verifier)).body.refresh_token)
    const second = await refresh(first)
    expect(second.status).toBe(200)
    const next = String(second.body.refresh_token)
    expect(next).not.toBe(first)
    expect(second.body).not.toHaveProperty('id_token.nonce')
    expect((await refresh(first)).status).toBe(200)
    clock += 61_000
    try {
      const stale = await refresh(first)
      expect(stale.body).toMatchObject({
        error: 'invalid_grant',
        suberror: 'bad_token',
        error_codes: [70000]
      })
      expect((await refresh(next)).status).toBe(200)
    } finally {
      clock -= 61_000
    }
  })

  it('refuses an expired refresh token with AADSTS700082 + bad_token', async () => {
    const { code, verifier } = await codeFor()
    const rt = String((await redeem(code, verifier)).body.refresh_token)
    clock += 90 * 24 * 3600_000 + 1000
    try {
      expect((await refresh(rt)).body).toMatchObject({
        error: 'invalid_grant',
        suberror: 'bad_token',
        error_codes: [700082]
      })
    } finally {
      clock -= 90 * 24 * 3600_000 + 1000
    }
    expect((await refresh('garbage')).body).toMatchObject({
      error: 'invalid_grant',
      suberror: 'bad_token'
    })
  })
})

describe('client credentials grant', () => {
  const cc = (form: Record<string, string>, tenant?: string, headers?: Record<string, string>) =>
    token(
      { grant_type: 'client_credentials', scope: `${origin}/.default`, ...form },
      tenant,
      headers
    )

  it('accepts client_secret_basic as well as client_secret_post', async () => {
    const { clientId, clientSecret } = idp.confidentialClient
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64')
    const result = await cc({}, undefined, { Authorization: `Basic ${basic}` })
    expect(result.status).toBe(200)
    expect(result.body).not.toHaveProperty('refresh_token')
    expect(result.body).not.toHaveProperty('scope')
    expect(decodeJwt(String(result.body.access_token))).toMatchObject({ idtyp: 'app', aud: origin })
  })

  it('needs a specific tenant (AADSTS50059) and a known one (AADSTS90002)', async () => {
    const creds = {
      client_id: idp.confidentialClient.clientId,
      client_secret: idp.confidentialClient.clientSecret
    }
    expect((await cc(creds, 'organizations')).body).toMatchObject({ error_codes: [50059] })
    expect((await cc(creds, 'sandbox.local')).status).toBe(200)
    expect((await cc(creds, 'consumers')).body).toMatchObject({
      error: 'invalid_tenant',
      error_codes: [90002]
    })
  })

  it('answers errors in Entra’s shape, echoing client-request-id, with the secret nowhere', async () => {
    const correlation = '6f1d0c3e-2b7a-4c5d-9e8f-0a1b2c3d4e5f'
    const result = await cc(
      { client_id: idp.confidentialClient.clientId, client_secret: 'wrong-secret-value' },
      undefined,
      { 'client-request-id': correlation }
    )
    expect(result.status).toBe(401)
    expect(Object.keys(result.body).sort()).toEqual(
      [
        'correlation_id',
        'error',
        'error_codes',
        'error_description',
        'timestamp',
        'trace_id'
      ].sort()
    )
    expect(result.body).toMatchObject({
      error: 'invalid_client',
      error_codes: [7000215],
      correlation_id: correlation
    })
    expect(String(result.body.error_description)).toMatch(/^AADSTS7000215: /)
    expect(String(result.body.timestamp)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/)
    expect(JSON.stringify(result.body)).not.toContain('wrong-secret-value')
    expect(JSON.stringify(result.body)).not.toContain(idp.confidentialClient.clientSecret)
  })

  it('refuses a token request by GET (AADSTS900561) and an unknown grant type', async () => {
    const get = await fetch(`${base()}/oauth2/v2.0/token`)
    expect(get.status).toBe(400)
    expect(await get.json()).toMatchObject({ error: 'invalid_request', error_codes: [900561] })
    const result = await token({ grant_type: 'password', client_id: idp.publicClientId })
    expect(result.body).toMatchObject({ error: 'unsupported_grant_type' })
  })
})
