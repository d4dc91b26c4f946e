import { type IncomingMessage, type ServerResponse } from 'node:http'
import { AadError, aad, aadErrorBody } from './aad-errors'
import { authenticateBearer } from './authenticate'
import { handleAuthorize, handleSignInSubmit } from './authorize'
import { type IdpContext, tenantKind } from './context'
import {
  DEFAULT_TENANT_ID,
  SANDBOX_CONFIDENTIAL_CLIENT,
  SANDBOX_PUBLIC_CLIENT,
  isRegisteredRedirectUri
} from './directory'
import { openIdConfiguration } from './discovery'
import { GrantStore } from './grants'
import { redirect, sendJson, sendPage } from './http-util'
import { signedOutPage } from './pages'
import { handleToken } from './token-endpoint'
import { TokenSigner } from './tokens'

/**
 * The sandbox's identity provider: a local stand-in for Microsoft Entra ID that speaks the v2
 * endpoints msal-node uses (msal-offline.md), and verifies the tokens it issues for the Dataverse
 * side. Entry point of src-main/sandbox/identity; see the other modules for each endpoint.
 */

export interface Principal {
  oid: string
  tenantId: string
  kind: 'user' | 'app'
  name: string
  username?: string
  appId: string
  scopes: string[]
  roles: string[]
}

export interface IdentityProviderOptions {
  tenantId?: string
  /** 'http://127.0.0.1:PORT', known only after listen. */
  origin: () => string
  /** Default 3600. msal renews 300 s before expiry (msal-offline.md Q2). */
  accessTokenLifetimeSeconds?: number
  /** Default 90 days. */
  refreshTokenLifetimeSeconds?: number
  /** Epoch ms, injectable for tests. */
  now?: () => number
}

export interface IdentityEndpoints {
  /** https on purpose: msal refuses http authorities and never contacts this URL (msal-offline.md TL;DR). */
  authority: string
  authorizeEndpoint: string
  tokenEndpoint: string
  issuer: string
  jwksUri: string
  /** JSON string for msal's `auth.authorityMetadata`. */
  authorityMetadata: string
  /** 'host:port', for msal's `auth.knownAuthorities`. */
  knownAuthority: string
}

export interface IdentityProvider {
  readonly tenantId: string
  readonly publicClientId: string
  readonly confidentialClient: { clientId: string; clientSecret: string }
  /** Handles IdP routes; returns false when the path isn't one of them. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>
  /** Verifies `Authorization: Bearer …` for a resource origin, or throws errors.unauthorized(…). */
  authenticate(authorization: string | undefined, resourceOrigin: string): Promise<Principal>
  /** Later refreshes fail with invalid_grant + suberror bad_token. */
  revokeRefreshTokens(): void
  setAccessTokenLifetime(seconds: number): void
  endpoints(): IdentityEndpoints
}

const ROUTE =
  /^\/([^/]+)\/(oauth2\/v2\.0\/authorize|oauth2\/v2\.0\/token|oauth2\/v2\.0\/logout|v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|login)$/

const positiveSeconds = (value: number, name: string): number => {
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer`)
  return value
}

export function createIdentityProvider(options: IdentityProviderOptions): IdentityProvider {
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID
  const now = options.now ?? Date.now
  const origin = (): string => new URL(options.origin()).origin
  let accessLifetime = positiveSeconds(
    options.accessTokenLifetimeSeconds ?? 3600,
    'accessTokenLifetimeSeconds'
  )
  const refreshLifetime = positiveSeconds(
    options.refreshTokenLifetimeSeconds ?? 90 * 24 * 3600,
    'refreshTokenLifetimeSeconds'
  )
  const ctx: IdpContext = {
    tenantId,
    signer: new TokenSigner(),
    grants: new GrantStore(now),
    origin,
    now,
    issuer: () => `${origin()}/${tenantId}/v2.0`,
    accessTokenLifetimeSeconds: () => accessLifetime,
    refreshTokenLifetimeSeconds: () => refreshLifetime
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    tenant: string,
    path: string
  ) {
    const method = (req.method ?? 'GET').toUpperCase()
    const kind = tenantKind(tenant, tenantId)
    const allow = (...methods: string[]): boolean => {
      if (methods.includes(method)) return true
      res.writeHead(405, { Allow: methods.join(', '), 'Content-Length': '0' })
      res.end()
      return false
    }
    switch (path) {
      case 'oauth2/v2.0/authorize':
        if (allow('GET')) handleAuthorize(ctx, tenant, res, url)
        return
      case 'login':
        if (allow('POST')) await handleSignInSubmit(ctx, tenant, req, res)
        return
      case 'oauth2/v2.0/token': {
        if (method !== 'POST') throw aad.postOnly(method)
        if (!kind) throw aad.unknownTenant(tenant)
        sendJson(res, 200, await handleToken(ctx, kind, req))
        return
      }
      case 'v2.0/.well-known/openid-configuration':
        if (!allow('GET')) return
        if (!kind) throw aad.unknownTenant(tenant)
        sendJson(res, 200, openIdConfiguration(ctx, tenant, kind === 'specific'))
        return
      case 'discovery/v2.0/keys':
        if (!allow('GET')) return
        if (!kind) throw aad.unknownTenant(tenant)
        sendJson(res, 200, await ctx.signer.jwks())
        return
      default:
        if (allow('GET', 'POST')) logout(res, url)
    }
  }

  return {
    tenantId,
    publicClientId: SANDBOX_PUBLIC_CLIENT.appId,
    confidentialClient: {
      clientId: SANDBOX_CONFIDENTIAL_CLIENT.appId,
      clientSecret: SANDBOX_CONFIDENTIAL_CLIENT.secret ?? ''
    },

    async handle(req, res, url) {
      const match = ROUTE.exec(url.pathname)
      const tenant = match?.[1]
      const path = match?.[2]
      if (tenant === undefined || path === undefined) return false
      const correlationId = req.headers['client-request-id']
      try {
        await route(req, res, url, tenant, path)
      } catch (err) {
        // Never echo internals: unexpected failures become Entra's generic server_error.
        const failure = err instanceof AadError ? err : aad.serverError()
        if (res.headersSent) {
          res.destroy()
        } else {
          const id = typeof correlationId === 'string' ? correlationId : undefined
          sendJson(res, failure.status, aadErrorBody(failure, now(), id))
        }
      }
      return true
    },

    authenticate(authorization, resourceOrigin) {
      return authenticateBearer(authorization, resourceOrigin, {
        signer: ctx.signer,
        issuer: ctx.issuer(),
        tenantId,
        authorityUrl: `${origin()}/${tenantId}`,
        nowMs: now()
      })
    },

    revokeRefreshTokens() {
      ctx.grants.revokeAllRefreshTokens()
    },

    setAccessTokenLifetime(seconds) {
      accessLifetime = positiveSeconds(seconds, 'seconds')
    },

    endpoints() {
      const base = `${origin()}/${tenantId}`
      const knownAuthority = new URL(origin()).host
      const metadata = {
        issuer: ctx.issuer(),
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`
      }
      return {
        authority: `https://${knownAuthority}/${tenantId}`,
        authorizeEndpoint: metadata.authorization_endpoint,
        tokenEndpoint: metadata.token_endpoint,
        issuer: metadata.issuer,
        jwksUri: metadata.jwks_uri,
        authorityMetadata: JSON.stringify(metadata),
        knownAuthority
      }
    }
  }
}

/**
 * The sandbox keeps no browser session, so signing out only needs to take the browser back:
 * to a loopback post_logout_redirect_uri when given (with `state`), else to a signed-out page.
 */
function logout(res: ServerResponse, url: URL): void {
  const target = url.searchParams.get('post_logout_redirect_uri')
  if (target && isRegisteredRedirectUri(SANDBOX_PUBLIC_CLIENT, target)) {
    const back = new URL(target)
    const state = url.searchParams.get('state')
    if (state !== null) back.searchParams.set('state', state)
    redirect(res, back.toString())
    return
  }
  sendPage(res, 200, signedOutPage())
}
