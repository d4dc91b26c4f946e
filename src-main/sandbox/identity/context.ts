import { type GrantStore } from './grants'
import { TENANT_DOMAIN } from './directory'
import { type TokenSigner } from './tokens'

/** What every route handler of the identity provider shares. */
export interface IdpContext {
  readonly tenantId: string
  readonly signer: TokenSigner
  readonly grants: GrantStore
  origin(): string
  now(): number
  /** `http://127.0.0.1:P/<tenant>/v2.0`, as msal-offline.md's authorityMetadata has it. */
  issuer(): string
  accessTokenLifetimeSeconds(): number
  refreshTokenLifetimeSeconds(): number
}

/**
 * How the tenant path segment was given. Entra accepts the tenant id or a verified domain
 * everywhere, `organizations`/`common` (any work account) for user sign-in and discovery, but
 * needs a specific tenant for client credentials (msal-offline.md Q3). The sandbox has no personal
 * accounts, so `consumers` is an unknown tenant.
 */
export type TenantKind = 'specific' | 'multi'

export function tenantKind(segment: string, tenantId: string): TenantKind | undefined {
  let lower: string
  try {
    lower = decodeURIComponent(segment).toLowerCase()
  } catch {
    return undefined
  }
  if (lower === tenantId.toLowerCase() || lower === TENANT_DOMAIN) return 'specific'
  if (lower === 'organizations' || lower === 'common') return 'multi'
  return undefined
}
