import { handleDigest, opaqueHandle } from './tokens'

/**
 * In-memory state of the identity provider: sign-in flows waiting for the user, authorization
 * codes and refresh tokens. Nothing survives a restart, like the signing key (tokens.ts): after
 * a restart, refresh fails with invalid_grant + bad_token and the app signs in again.
 * Entries are keyed by a digest of their handle and swept when expired.
 */

/** What the authorize request asked for, carried from the sign-in page to the code. */
export interface AuthorizeRequest {
  clientId: string
  redirectUri: string
  responseMode: 'form_post' | 'query' | 'fragment'
  state: string | undefined
  nonce: string | undefined
  codeChallenge: string
  /** client_info=1 was sent: answer with client_info (msal-offline.md). */
  clientInfo: boolean
  resource: string
  scope: string
  loginHint: string | undefined
}

export interface IssuedCode extends AuthorizeRequest {
  userOid: string
  expiresAt: number
  redeemed: boolean
  /** Set when redeemed: the refresh-token family to revoke if the code is replayed. */
  familyId: string | undefined
}

export interface RefreshGrant {
  clientId: string
  userOid: string
  familyId: string
  expiresAt: number
  revoked: boolean
  /** When a newer token replaced this one; it stays usable for a short grace period. */
  replacedAt: number | undefined
}

class ExpiringStore<T extends { expiresAt: number }> {
  private readonly entries = new Map<string, T>()
  private lastSweep = 0

  constructor(
    private readonly now: () => number,
    /** How long an expired entry is kept so its error can say "expired" rather than "unknown". */
    private readonly retainMs: number
  ) {}

  add(value: T, bytes = 32): string {
    const handle = opaqueHandle(bytes)
    this.entries.set(handleDigest(handle), value)
    return handle
  }

  /** The entry, even when expired (callers say *why* it is unusable); undefined when unknown. */
  get(handle: string): T | undefined {
    this.sweep()
    return this.entries.get(handleDigest(handle))
  }

  delete(handle: string): void {
    this.entries.delete(handleDigest(handle))
  }

  values(): IterableIterator<T> {
    return this.entries.values()
  }

  private sweep(): void {
    const now = this.now()
    if (Math.abs(now - this.lastSweep) < 60_000) return
    this.lastSweep = now
    for (const [key, value] of this.entries) {
      if (value.expiresAt + this.retainMs < now) this.entries.delete(key)
    }
  }
}

/** A sign-in page must be completed within this time (the user may be slow to choose). */
export const SIGN_IN_FLOW_LIFETIME_MS = 15 * 60_000
/** Short, single-use codes (RFC 6749 §4.1.2 recommends at most 10 minutes). */
export const CODE_LIFETIME_MS = 5 * 60_000
/**
 * Refresh tokens rotate on every use; the replaced one stays valid this long so parallel
 * refreshes (two silent calls racing) don't fail, and is refused after. Entra keeps replaced
 * tokens valid until expiry; the sandbox is stricter so a client that keeps using a stale token
 * (e.g. a cache plugin that never writes back) shows up in tests.
 */
export const REPLACED_REFRESH_TOKEN_GRACE_MS = 60_000

const HOUR_MS = 3_600_000

export class GrantStore {
  readonly flows: ExpiringStore<AuthorizeRequest & { expiresAt: number }>
  readonly codes: ExpiringStore<IssuedCode>
  readonly refreshTokens: ExpiringStore<RefreshGrant>

  constructor(now: () => number) {
    this.flows = new ExpiringStore(now, HOUR_MS)
    this.codes = new ExpiringStore(now, HOUR_MS)
    this.refreshTokens = new ExpiringStore(now, 7 * 24 * HOUR_MS)
  }

  revokeAllRefreshTokens(): void {
    for (const grant of this.refreshTokens.values()) grant.revoked = true
  }

  revokeFamily(familyId: string): void {
    for (const grant of this.refreshTokens.values()) {
      if (grant.familyId === familyId) grant.revoked = true
    }
  }
}
