import { randomUUID, timingSafeEqual } from 'node:crypto'
import { type IncomingMessage } from 'node:http'
import { aad } from './aad-errors'
import { type IdpContext, type TenantKind } from './context'
import { findApp, findUserByOid, type AppRegistration, type DemoUser } from './directory'
import { REPLACED_REFRESH_TOKEN_GRACE_MS } from './grants'
import { readForm, required, single } from './http-util'
import { verifyS256 } from './pkce'
import { appOnlyResource, delegatedScopes, parseScopes } from './scopes'
import {
  appAccessClaims,
  clientInfo,
  idTokenClaims,
  userAccessClaims,
  type TokenContext
} from './tokens'

/**
 * POST /{tenant}/oauth2/v2.0/token: the three grants the product uses (msal-offline.md Q1–Q3).
 * Returns the JSON body of a successful response; failures are thrown as AadError.
 */

export type TokenResponse = Record<string, string | number>

export async function handleToken(
  ctx: IdpContext,
  tenant: TenantKind,
  req: IncomingMessage
): Promise<TokenResponse> {
  const form = await readForm(req)
  const grantType = required(form, 'grant_type')
  const { app, secret } = clientOf(form, req)
  switch (grantType) {
    case 'authorization_code':
      checkClientAuth(app, secret)
      return redeemCode(ctx, app, form)
    case 'refresh_token':
      checkClientAuth(app, secret)
      return redeemRefreshToken(ctx, app, form)
    case 'client_credentials':
      if (tenant !== 'specific') throw aad.tenantRequired()
      if (app.kind === 'public' && secret === undefined) throw aad.secretRequired()
      checkClientAuth(app, secret)
      return clientCredentials(ctx, app, form)
    default:
      throw aad.unsupportedGrant(grantType)
  }
}

/** client_id and secret from the body (client_secret_post) or Basic auth (RFC 6749 §2.3.1). */
function clientOf(
  form: URLSearchParams,
  req: IncomingMessage
): { app: AppRegistration; secret: string | undefined } {
  let clientId = single(form, 'client_id')
  let secret = single(form, 'client_secret')
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1]
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) {
      clientId ??= decodeURIComponent(decoded.slice(0, colon))
      secret ??= decodeURIComponent(decoded.slice(colon + 1))
    }
  }
  if (clientId === undefined) throw aad.missingParameter('client_id')
  const app = findApp(clientId)
  if (!app) throw aad.unknownClient(clientId)
  return { app, secret }
}

function checkClientAuth(app: AppRegistration, secret: string | undefined): void {
  if (app.kind === 'public') {
    if (secret !== undefined) throw aad.publicClientWithSecret()
    return
  }
  if (secret === undefined) throw aad.secretRequired()
  const expected = Buffer.from(app.secret ?? '')
  const given = Buffer.from(secret)
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw aad.wrongSecret(app.appId)
  }
}

function tokenContext(ctx: IdpContext): TokenContext {
  return {
    issuer: ctx.issuer(),
    tenantId: ctx.tenantId,
    nowMs: ctx.now(),
    lifetimeSeconds: ctx.accessTokenLifetimeSeconds()
  }
}

async function redeemCode(
  ctx: IdpContext,
  app: AppRegistration,
  form: URLSearchParams
): Promise<TokenResponse> {
  const code = required(form, 'code')
  const redirectUri = required(form, 'redirect_uri')
  const verifier = required(form, 'code_verifier')
  const issued = ctx.grants.codes.get(code)
  if (!issued) throw aad.invalidCode()
  if (issued.redeemed) {
    // A replayed code may be stolen: revoke what it produced (RFC 6749 §4.1.2).
    if (issued.familyId) ctx.grants.revokeFamily(issued.familyId)
    throw aad.redeemedCode()
  }
  if (issued.expiresAt <= ctx.now()) throw aad.expiredCode()
  if (issued.clientId !== app.appId) throw aad.codeForOtherClient()
  // RFC 6749 §4.1.3: the redirect_uri must be identical to the authorize request's.
  if (redirectUri !== issued.redirectUri) {
    throw aad.redirectMismatch(redirectUri, issued.redirectUri)
  }
  // Failed checks leave the code usable: the verifier is what proves the caller, not the attempt.
  if (!verifyS256(verifier, issued.codeChallenge)) throw aad.pkceMismatch()
  const user = findUserByOid(issued.userOid)
  if (!user) throw aad.invalidCode()

  issued.redeemed = true
  issued.familyId = randomUUID()
  // The token request's scope wins; msal repeats the authorize scopes here.
  const scope = single(form, 'scope') ?? issued.scope
  return userTokens(ctx, app, user, scope, {
    nonce: issued.nonce,
    clientInfo: single(form, 'client_info') === '1' || issued.clientInfo,
    familyId: issued.familyId
  })
}

async function redeemRefreshToken(
  ctx: IdpContext,
  app: AppRegistration,
  form: URLSearchParams
): Promise<TokenResponse> {
  const handle = required(form, 'refresh_token')
  const scope = required(form, 'scope')
  const grant = ctx.grants.refreshTokens.get(handle)
  const now = ctx.now()
  if (!grant || grant.clientId !== app.appId) throw aad.refreshUnknown()
  if (grant.revoked) throw aad.refreshRevoked()
  if (grant.expiresAt <= now) throw aad.refreshExpired()
  if (grant.replacedAt !== undefined && now > grant.replacedAt + REPLACED_REFRESH_TOKEN_GRACE_MS) {
    throw aad.refreshUnknown()
  }
  const user = findUserByOid(grant.userOid)
  if (!user) throw aad.refreshUnknown()
  const response = await userTokens(ctx, app, user, scope, {
    nonce: undefined,
    clientInfo: single(form, 'client_info') === '1',
    familyId: grant.familyId
  })
  // Rotation: the answer carries a new refresh token; the old one enters its grace period.
  if (response.refresh_token !== undefined) grant.replacedAt ??= now
  return response
}

interface UserTokenOptions {
  nonce: string | undefined
  clientInfo: boolean
  familyId: string
}

async function userTokens(
  ctx: IdpContext,
  app: AppRegistration,
  user: DemoUser,
  scope: string,
  options: UserTokenOptions
): Promise<TokenResponse> {
  const parsed = parseScopes(scope)
  const { resource, grantedScope } = delegatedScopes(parsed, app.displayName)
  const tc = tokenContext(ctx)
  const accessToken = await ctx.signer.sign(userAccessClaims(tc, resource, app, user))
  const response: TokenResponse = {
    token_type: 'Bearer',
    scope: grantedScope,
    expires_in: tc.lifetimeSeconds,
    ext_expires_in: tc.lifetimeSeconds,
    access_token: accessToken
  }
  if (parsed.offlineAccess) {
    response.refresh_token = ctx.grants.refreshTokens.add(
      {
        clientId: app.appId,
        userOid: user.oid,
        familyId: options.familyId,
        expiresAt: tc.nowMs + ctx.refreshTokenLifetimeSeconds() * 1000,
        revoked: false,
        replacedAt: undefined
      },
      48
    )
  }
  if (parsed.openid) {
    const claims = idTokenClaims(tc, app, user, {
      ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
      profile: parsed.profile,
      email: parsed.email
    })
    response.id_token = await ctx.signer.sign(claims)
  }
  if (options.clientInfo) response.client_info = clientInfo(user.oid, ctx.tenantId)
  return response
}

async function clientCredentials(
  ctx: IdpContext,
  app: AppRegistration,
  form: URLSearchParams
): Promise<TokenResponse> {
  const resource = appOnlyResource(required(form, 'scope'))
  const tc = tokenContext(ctx)
  // Entra's client-credentials answer has no scope and no refresh token; msal caches the token
  // under the requested `.default` scope (msal-offline.md Q3).
  return {
    token_type: 'Bearer',
    expires_in: tc.lifetimeSeconds,
    ext_expires_in: tc.lifetimeSeconds,
    access_token: await ctx.signer.sign(appAccessClaims(tc, resource, app))
  }
}
