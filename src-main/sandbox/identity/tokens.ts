import { createHash, randomBytes } from 'node:crypto'
import {
  SignJWT,
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
  type JWTPayload
} from 'jose'
import { type AppRegistration, type DemoUser } from './directory'
import { USER_PERMISSION } from './scopes'

/**
 * JWT signing for the sandbox: RS256 with a key pair generated per provider instance, so tokens
 * of an earlier sandbox run are rejected (their `kid` is unknown). msal-node never verifies
 * token signatures (msal-offline.md "Signature"); the Dataverse side does, through authenticate.
 */

interface KeyPair {
  kid: string
  privateKey: CryptoKey
  publicKey: CryptoKey
  publicJwk: JWK
}

export class TokenSigner {
  private keyPair: Promise<KeyPair> | undefined

  private keys(): Promise<KeyPair> {
    // Generated on first use: createIdentityProvider stays synchronous and cheap.
    this.keyPair ??= (async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true })
      const jwk = await exportJWK(publicKey)
      const kid = await calculateJwkThumbprint(jwk)
      return { kid, privateKey, publicKey, publicJwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } }
    })()
    return this.keyPair
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.keys()).publicJwk] }
  }

  async sign(claims: JWTPayload): Promise<string> {
    const { kid, privateKey } = await this.keys()
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .sign(privateKey)
  }

  /** Verifies alg, kid and signature only; claims are checked by the caller with clear messages. */
  async verifySignature(
    token: string
  ): Promise<'ok' | 'unknown-key' | 'bad-signature' | 'malformed'> {
    let kid: unknown
    let alg: unknown
    try {
      ;({ kid, alg } = decodeProtectedHeader(token))
    } catch {
      return 'malformed'
    }
    const { kid: ownKid, publicKey } = await this.keys()
    if (alg !== 'RS256') return 'bad-signature'
    if (kid !== ownKid) return 'unknown-key'
    try {
      await compactVerify(token, publicKey, { algorithms: ['RS256'] })
      return 'ok'
    } catch {
      return 'bad-signature'
    }
  }
}

const seconds = (ms: number): number => Math.floor(ms / 1000)
const uti = (): string => randomBytes(16).toString('base64url')

/**
 * Entra's `sub` is pairwise (per app and user); clients must key on `oid` + `tid`. Mimicking
 * that keeps a client from relying on `sub` equalling `oid`.
 */
export const pairwiseSub = (appId: string, oid: string): string =>
  createHash('sha256').update(`${appId}:${oid}`).digest('base64url').slice(0, 43)

export interface TokenContext {
  issuer: string
  tenantId: string
  nowMs: number
  lifetimeSeconds: number
}

/**
 * Access token for a user (delegated). Claims of both token versions that consumers read:
 * v2's azp/preferred_username and v1's appid/upn (Dataverse gets v1 tokens from Entra).
 */
export function userAccessClaims(
  ctx: TokenContext,
  resource: string,
  app: AppRegistration,
  user: DemoUser
): JWTPayload {
  const iat = seconds(ctx.nowMs)
  return {
    aud: resource,
    iss: ctx.issuer,
    iat,
    nbf: iat,
    exp: iat + ctx.lifetimeSeconds,
    idtyp: 'user',
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    oid: user.oid,
    sub: pairwiseSub(app.appId, user.oid),
    tid: ctx.tenantId,
    upn: user.username,
    preferred_username: user.username,
    unique_name: user.username,
    appid: app.appId,
    azp: app.appId,
    appidacr: '0',
    azpacr: '0',
    scp: USER_PERMISSION,
    uti: uti(),
    ver: '2.0'
  }
}

/** App-only access token (client credentials): no scp, `roles` only when the app has some. */
export function appAccessClaims(
  ctx: TokenContext,
  resource: string,
  app: AppRegistration
): JWTPayload {
  const iat = seconds(ctx.nowMs)
  return {
    aud: resource,
    iss: ctx.issuer,
    iat,
    nbf: iat,
    exp: iat + ctx.lifetimeSeconds,
    idtyp: 'app',
    oid: app.servicePrincipalId,
    sub: app.servicePrincipalId,
    tid: ctx.tenantId,
    appid: app.appId,
    azp: app.appId,
    appidacr: '1',
    azpacr: '1',
    ...(app.roles.length > 0 ? { roles: app.roles } : {}),
    uti: uti(),
    ver: '2.0'
  }
}

export interface IdTokenOptions {
  nonce?: string
  profile: boolean
  email: boolean
}

/** v2 id_token; `nonce` only when the authorize request had one (msal-offline.md "Nonce"). */
export function idTokenClaims(
  ctx: TokenContext,
  app: AppRegistration,
  user: DemoUser,
  options: IdTokenOptions
): JWTPayload {
  const iat = seconds(ctx.nowMs)
  return {
    aud: app.appId,
    iss: ctx.issuer,
    iat,
    nbf: iat,
    exp: iat + 3600,
    ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
    ...(options.profile ? { name: user.name, preferred_username: user.username } : {}),
    ...(options.email ? { email: user.username } : {}),
    oid: user.oid,
    sub: pairwiseSub(app.appId, user.oid),
    tid: ctx.tenantId,
    uti: uti(),
    ver: '2.0'
  }
}

/** Entra's client_info: base64url of {"uid","utid"} → msal's homeAccountId `uid.utid`. */
export const clientInfo = (oid: string, tenantId: string): string =>
  Buffer.from(JSON.stringify({ uid: oid, utid: tenantId })).toString('base64url')

/** Opaque, unguessable handles (codes, refresh tokens, sign-in flows). */
export const opaqueHandle = (bytes = 32): string => randomBytes(bytes).toString('base64url')

/** The stores key handles by digest, so a memory dump holds no usable token. */
export const handleDigest = (handle: string): string =>
  createHash('sha256').update(handle).digest('base64url')
