import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  expectError,
  startHarness,
  useSandbox,
  type ApiResult,
  type Harness
} from '../../support/sandbox-harness'

/**
 * The Web API refuses requests without a valid bearer token for this environment with 401 in
 * Dataverse's error shape, naming the reference §9 reason, with a WWW-Authenticate challenge
 * that points at the sandbox's authority.
 */
const h = useSandbox({ seed: 'empty' })

function expect401(res: ApiResult, reason: string, token?: string): void {
  expectError(res, 401, '0x80072560', new RegExp(`^${reason}: `))
  expect(res.headers.get('www-authenticate')).toBe(
    `Bearer authorization_uri=${h.sandbox.url}/${h.sandbox.tenantId}/oauth2/authorize, resource_id=${h.sandbox.url}/`
  )
  if (token) expect(res.text).not.toContain(token)
}

async function appToken(tokenEndpoint: string, scope: string, s: Harness): Promise<string> {
  const res = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: s.sandbox.clientId,
      client_secret: s.sandbox.clientSecret,
      scope
    })
  })
  const json = (await res.json()) as { access_token: string }
  return json.access_token
}

const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('§9 401 reasons', () => {
  it('no Authorization header: MissingCrmAuthenticationToken', async () => {
    expect401(await h.api('GET', 'WhoAmI', { token: null }), 'MissingCrmAuthenticationToken')
  })

  it('another scheme or a token that is not a JWT: BadAuthTicket', async () => {
    expect401(
      await h.api('GET', 'WhoAmI', {
        token: null,
        headers: { Authorization: 'Basic dXNlcjpwdw==' }
      }),
      'BadAuthTicket'
    )
    expect401(await h.api('GET', 'WhoAmI', { token: 'not-a-jwt' }), 'BadAuthTicket')
  })

  it('a token whose claims were altered: TamperedAuthTicket', async () => {
    const [header, payload, signature] = h.token.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { exp: number }
    const forged = `${header}.${b64({ ...claims, exp: claims.exp + 86_400 })}.${signature}`
    expect401(await h.api('GET', 'WhoAmI', { token: forged }), 'TamperedAuthTicket', forged)
  })

  it('a token for another environment: InvalidAuthTicket naming the audience', async () => {
    const other = await appToken(h.sandbox.tokenEndpoint, 'http://localhost:1/.default', h)
    const res = await h.api('GET', 'WhoAmI', { token: other })
    expect401(res, 'InvalidAuthTicket', other)
    expect(res.json.error.message).toContain("audience 'http://localhost:1'")
  })

  it('a token from another sandbox (or before a restart): InvalidAuthTicket', async () => {
    const second = await startHarness({ seed: 'empty' })
    try {
      expect401(await h.api('GET', 'WhoAmI', { token: second.token }), 'InvalidAuthTicket')
    } finally {
      await second.close()
    }
  })

  it('nothing is written by a refused request', async () => {
    await h.api('POST', 'accounts', { token: null, body: { name: 'anonymous' } })
    expect((await h.api('GET', 'accounts/$count')).text).toBe('0')
  })
})

describe('§9 token lifetime', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('an expired access token: ExpiredAuthTicket; a new one works', async () => {
    // Access tokens keep real time (the sandbox clock is for data), so fake Date itself.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() })
    const s = await startHarness({ seed: 'empty', accessTokenLifetimeSeconds: 600 })
    try {
      expect((await s.api('GET', 'WhoAmI')).status).toBe(200)
      vi.setSystemTime(Date.now() + 601_000)
      const res = await s.api('GET', 'WhoAmI')
      expectError(res, 401, '0x80072560', /^ExpiredAuthTicket: The access token expired at /)
      const fresh = await s.sandbox.appToken()
      expect((await s.api('GET', 'WhoAmI', { token: fresh })).status).toBe(200)
    } finally {
      await s.close()
    }
  })
})
