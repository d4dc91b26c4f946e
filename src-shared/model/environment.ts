/**
 * A Dataverse environment the admin works with, and how the product signs in to it. No secret
 * is ever part of this record: client secrets and tokens live in the OS keychain (src-main/auth).
 */
export const AUTH_KINDS = [
  'interactive',
  'client-secret',
  'certificate',
  'token-command',
  'env-token',
  'sandbox'
] as const
export type AuthKind = (typeof AUTH_KINDS)[number]

export interface EnvironmentConfig {
  id: number
  /** The admin's name for it, unique, e.g. "contoso-prod". */
  name: string
  /** Environment URL, e.g. https://contoso.crm.dynamics.com (the resource in token scopes). */
  url: string
  authKind: AuthKind
  /** Directory (tenant) id; required for client-secret and certificate. */
  tenantId?: string
  /** App registration (client) id for interactive, client-secret and certificate. */
  clientId?: string
  /** Authority override: national clouds, or the sandbox's identity provider. */
  authority?: string
  /** certificate: path of the PEM file with the private key and certificate. */
  certificatePath?: string
  /** token-command: the command whose stdout is an access token. */
  tokenCommand?: string
  /** interactive: the account this environment signs in with, remembered after sign-in. */
  account?: { username: string; homeAccountId: string; name?: string }
}
