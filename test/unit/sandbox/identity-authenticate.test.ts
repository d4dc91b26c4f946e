import { describe, expect, it } from 'vitest'
import { type JWTPayload } from 'jose'
import { type ODataError } from '../../../src-main/sandbox/http/errors'
import { authenticateBearer } from '../../../src-main/sandbox/identity/authenticate'
import {
  DEMO_USERS,
  SANDBOX_CONFIDENTIAL_CLIENT,
  SANDBOX_PUBLIC_CLIENT
} from '../../../src-main/sandbox/identity/directory'
import {
  TokenSigner,
  appAccessClaims,
  idTokenClaims,
  userAccessClaims
} from '../../../src-main/sandbox/identity/tokens'

const issuer = 'http://127.0.0.1:5555/tid/v2.0'
const resource = 'http://127.0.0.1:5555'
const now = Date.UTC(2026, 0, 1, 12)
const signer = new TokenSigner()
const user = DEMO_USERS[1] ?? (undefined as never)
const tc = { issuer, tenantId: 'tid', nowMs: now, lifetimeSeconds: 3600 }
const ctx = (nowMs = now) => ({
  signer,
  issuer,
  tenantId: 'tid',
  authorityUrl: 'http://127.0.0.1:5555/tid',
  nowMs
})

async function reason(token: string | undefined, at = ctx(), audience = resource): Promise<string> {
  try {
    await authenticateBearer(token, audience, at)
  } catch (err) {
    expect((err as ODataError).status).toBe(401)
    expect((err as ODataError).code).toBe('0x80072560')
    return (err as ODataError).message
  }
  throw new Error('accepted')
}
const bearer = async (claims: JWTPayload, by = signer): Promise<string> =>
  `Bearer ${await by.sign(claims)}`

describe('authenticate (reference §9 401 names)', () => {
  it('accepts a user token (scheme case-insensitive, trailing slash on the resource ok)', async () => {
    const token = (
      await bearer(userAccessClaims(tc, resource, SANDBOX_PUBLIC_CLIENT, user))
    ).replace('Bearer', 'bearer')
    await expect(authenticateBearer(token, `${resource}/`, ctx())).resolves.toEqual({
      oid: user.oid,
      tenantId: 'tid',
      kind: 'user',
      name: 'Morgan Maker',
      username: 'maker@sandbox.local',
      appId: SANDBOX_PUBLIC_CLIENT.appId,
      scopes: ['user_impersonation'],
      roles: []
    })
  })

  it('accepts an app token as kind app', async () => {
    const token = await bearer(appAccessClaims(tc, resource, SANDBOX_CONFIDENTIAL_CLIENT))
    await expect(authenticateBearer(token, resource, ctx())).resolves.toMatchObject({
      kind: 'app',
      oid: SANDBOX_CONFIDENTIAL_CLIENT.servicePrincipalId,
      name: SANDBOX_CONFIDENTIAL_CLIENT.displayName
    })
  })

  it('names each failure', async () => {
    const good = userAccessClaims(tc, resource, SANDBOX_PUBLIC_CLIENT, user)
    expect(await reason(undefined)).toMatch(/^MissingCrmAuthenticationToken:/)
    expect(await reason('   ')).toMatch(/^MissingCrmAuthenticationToken:/)
    expect(await reason('Basic YTpi')).toMatch(/^BadAuthTicket:/)
    expect(await reason('Bearer not.a.jwt')).toMatch(/^BadAuthTicket:/)
    expect(await reason(await bearer(good, new TokenSigner()))).toMatch(
      /^InvalidAuthTicket: .*earlier sandbox run/
    )
    expect(await reason(await bearer(good), ctx(now + 3600_000))).toMatch(/^ExpiredAuthTicket:/)
    expect(await reason(await bearer(good), ctx(now - 1000))).toMatch(
      /^InvalidAuthTicket: The access token is not valid before/
    )
    expect(await reason(await bearer({ ...good, iss: 'http://elsewhere/v2.0' }))).toMatch(
      /^InvalidAuthTicket: .*issued by/
    )
    expect(await reason(await bearer(good), ctx(), 'http://localhost:5555')).toMatch(
      /^InvalidAuthTicket: .*audience/
    )
    expect(await reason(await bearer({ ...good, scp: 'other' }))).toMatch(
      /^InsufficientAuthTicket:/
    )
    expect(await reason(await bearer({ ...good, oid: 'nobody' }))).toMatch(/^InvalidUserAuth:/)
  })

  it('refuses an id_token presented as an access token (its audience is the client)', async () => {
    const id = idTokenClaims(tc, SANDBOX_PUBLIC_CLIENT, user, { profile: true, email: false })
    expect(await reason(await bearer(id))).toMatch(/^InvalidAuthTicket: .*audience/)
  })

  it('refuses alg none and a re-signed header', async () => {
    const token = await signer.sign(userAccessClaims(tc, resource, SANDBOX_PUBLIC_CLIENT, user))
    const [, payload] = token.split('.')
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
    expect(await reason(`Bearer ${none}`)).toMatch(/^TamperedAuthTicket:/)
    const message = await reason(`Bearer ${token.slice(0, -4)}AAAA`)
    expect(message).toMatch(/^TamperedAuthTicket:/)
    expect(message).not.toContain(token.slice(0, 40))
  })

  it('puts the authority into the WWW-Authenticate challenge', async () => {
    await expect(authenticateBearer(undefined, resource, ctx())).rejects.toMatchObject({
      headers: {
        'WWW-Authenticate':
          'Bearer authorization_uri=http://127.0.0.1:5555/tid/oauth2/authorize, resource_id=http://127.0.0.1:5555/'
      }
    })
  })
})
