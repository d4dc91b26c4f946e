import { decodeJwt, type JWTPayload } from 'jose'
import { ODataError, errors } from '../http/errors'
import { findApp, findUserByOid } from './directory'
import type { Principal } from './provider'
import { type TokenSigner } from './tokens'
import { USER_PERMISSION } from './scopes'

/**
 * The resource side of the sandbox: checks `Authorization: Bearer <jwt>` as Dataverse would and
 * answers 401 with the reason. Each message starts with the 401 name from reference §9, so a
 * learner can look it up. Messages never contain the token. No clock skew is allowed: issuer and
 * resource share one clock here (the injectable `now`), so expiry is exact and testable.
 */

export interface AuthenticateContext {
  signer: TokenSigner
  issuer: string
  tenantId: string
  authorityUrl: string
  nowMs: number
}

const iso = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString()

/** `resource` = the environment URL as the resource identifier: origin, no trailing slash. */
export function normalizeResource(value: string): string | undefined {
  try {
    const url = new URL(value)
    return url.pathname === '/' && !url.search && !url.hash ? url.origin : undefined
  } catch {
    return undefined
  }
}

export async function authenticateBearer(
  authorization: string | undefined,
  resourceOrigin: string,
  ctx: AuthenticateContext
): Promise<Principal> {
  const resource = normalizeResource(resourceOrigin) ?? resourceOrigin
  // Dataverse names the authority in its 401 challenge, which lets a client discover the tenant.
  const fail = (message: string): ODataError => {
    const base = errors.unauthorized(message)
    return new ODataError(base.status, base.code, base.message, {
      'WWW-Authenticate': `Bearer authorization_uri=${ctx.authorityUrl}/oauth2/authorize, resource_id=${resource}/`
    })
  }

  if (authorization === undefined || authorization.trim() === '') {
    throw fail(
      "MissingCrmAuthenticationToken: The request has no 'Authorization: Bearer <access token>' header. Sign in to the sandbox and send the access token."
    )
  }
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization.trim())
  const token = match?.[1]
  if (token === undefined) {
    throw fail(
      "BadAuthTicket: The Authorization header must use the Bearer scheme: 'Authorization: Bearer <access token>'."
    )
  }
  let claims: JWTPayload
  try {
    claims = decodeJwt(token)
  } catch {
    throw fail(
      'BadAuthTicket: The bearer token is not a well-formed JWT (header.payload.signature).'
    )
  }

  const signature = await ctx.signer.verifySignature(token)
  if (signature === 'malformed') {
    throw fail(
      'BadAuthTicket: The bearer token is not a well-formed JWT (header.payload.signature).'
    )
  }
  if (signature === 'unknown-key') {
    throw fail(
      'InvalidAuthTicket: The bearer token was signed with a key this sandbox does not know. Tokens from an earlier sandbox run are not valid after a restart: acquire a new token.'
    )
  }
  if (signature === 'bad-signature') {
    throw fail(
      "TamperedAuthTicket: The bearer token's signature does not match its content: the token was altered."
    )
  }

  const now = Math.floor(ctx.nowMs / 1000)
  if (typeof claims.exp !== 'number' || now >= claims.exp) {
    const when = typeof claims.exp === 'number' ? ` at ${iso(claims.exp)}` : ''
    throw fail(
      `ExpiredAuthTicket: The access token expired${when} (sandbox clock: ${iso(now)}). Acquire a new token.`
    )
  }
  if (typeof claims.nbf === 'number' && now < claims.nbf) {
    throw fail(
      `InvalidAuthTicket: The access token is not valid before ${iso(claims.nbf)} (sandbox clock: ${iso(now)}).`
    )
  }
  if (claims.iss !== ctx.issuer || claims.tid !== ctx.tenantId) {
    throw fail(
      `InvalidAuthTicket: The access token was issued by '${String(claims.iss)}', not by this sandbox's identity provider ('${ctx.issuer}').`
    )
  }
  const aud = typeof claims.aud === 'string' ? normalizeResource(claims.aud) : undefined
  if (aud !== resource) {
    throw fail(
      `InvalidAuthTicket: The access token's audience '${String(claims.aud)}' is not this environment ('${resource}'). Request a token with scope '${resource}/user_impersonation' (user) or '${resource}/.default' (app).`
    )
  }
  return principalFrom(claims, fail)
}

function principalFrom(claims: JWTPayload, fail: (message: string) => ODataError): Principal {
  const str = (name: string): string | undefined => {
    const value = claims[name]
    return typeof value === 'string' ? value : undefined
  }
  const appId = str('appid') ?? str('azp')
  const oid = str('oid')
  const tid = str('tid')
  if (appId === undefined || oid === undefined || tid === undefined) {
    throw fail('InvalidAuthTicket: The access token lacks the oid, tid or appid claim.')
  }
  const scopes = (str('scp') ?? '').split(' ').filter((s) => s !== '')
  const roles = Array.isArray(claims.roles) ? claims.roles.map(String) : []

  if (str('idtyp') === 'app' && scopes.length === 0) {
    const app = findApp(appId)
    if (!app || app.servicePrincipalId !== oid) {
      throw fail(
        `UnManagedInvalidSecurityPrincipal: The app '${appId}' is not an application user of this environment.`
      )
    }
    return { oid, tenantId: tid, kind: 'app', name: app.displayName, appId, scopes, roles }
  }
  if (!scopes.includes(USER_PERMISSION)) {
    throw fail(
      `InsufficientAuthTicket: The access token does not grant '${USER_PERMISSION}' on this environment.`
    )
  }
  const user = findUserByOid(oid)
  if (!user) {
    throw fail(`InvalidUserAuth: The user '${oid}' is not a user of this environment.`)
  }
  return {
    oid,
    tenantId: tid,
    kind: 'user',
    name: user.name,
    username: user.username,
    appId,
    scopes,
    roles
  }
}
