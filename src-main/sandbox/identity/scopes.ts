import { aad } from './aad-errors'
import { isLoopbackHost } from './directory'

/**
 * Scope parsing, v2 style: `<resource>/<permission>` plus the OIDC scopes. The resource of a
 * Dataverse scope is the environment URL (reference §9), here a loopback origin: the sandbox
 * accepts any loopback environment URL, as Entra accepts any org URL of the Dynamics CRM resource.
 */

export const USER_PERMISSION = 'user_impersonation'
const DEFAULT_PERMISSION = '.default'
const OIDC = new Set(['openid', 'profile', 'email', 'offline_access'])

export interface ParsedScopes {
  /** The resource origin, e.g. 'http://127.0.0.1:5555' (becomes the token's `aud`). */
  resource: string | undefined
  /** Permissions asked for on the resource, lower-cased. */
  permissions: string[]
  openid: boolean
  profile: boolean
  email: boolean
  offlineAccess: boolean
}

export function parseScopes(scope: string): ParsedScopes {
  const values = scope.split(' ').filter((s) => s !== '')
  const lower = values.map((s) => s.toLowerCase())
  const resources = new Set<string>()
  const permissions: string[] = []
  for (const value of values) {
    if (OIDC.has(value.toLowerCase())) continue
    const { resource, permission } = splitResourceScope(value)
    resources.add(resource)
    permissions.push(permission)
  }
  if (resources.size > 1) {
    throw aad.badScope(
      'Provided value for the input parameter scope is not valid because it contains more than one resource.',
      28000
    )
  }
  return {
    resource: [...resources][0],
    permissions,
    openid: lower.includes('openid'),
    profile: lower.includes('profile'),
    email: lower.includes('email'),
    offlineAccess: lower.includes('offline_access')
  }
}

function splitResourceScope(value: string): { resource: string; permission: string } {
  const cut = value.lastIndexOf('/')
  if (!/^https?:\/\//i.test(value) || cut < 'http://'.length) {
    throw aad.badScope(
      `The provided value for the input parameter 'scope' is not valid. The scope '${value}' is not a Dataverse scope; the sandbox issues tokens only for '<environment URL>/user_impersonation' or '<environment URL>/.default'.`
    )
  }
  const permission = value.slice(cut + 1).toLowerCase()
  let url: URL
  try {
    url = new URL(value.slice(0, cut))
  } catch {
    throw aad.unknownResource(value.slice(0, cut))
  }
  // `https://org.crm.dynamics.com//.default` (environment URL with its trailing slash) is valid.
  const pathOk = url.pathname === '/' || url.pathname === '//'
  if (!pathOk || url.search || url.hash || url.username || !isLoopbackHost(url.hostname)) {
    throw aad.unknownResource(value.slice(0, cut))
  }
  return { resource: url.origin, permission }
}

/**
 * Delegated (user) flows: one resource, `user_impersonation` or `.default`. Entra answers a
 * `.default` request with the statically consented `user_impersonation`, and so does the sandbox
 * (msal-offline.md ".default pitfall": msal then caches the token under that returned scope).
 * The returned scope string is what the token response carries.
 */
export function delegatedScopes(
  parsed: ParsedScopes,
  clientName: string
): { resource: string; grantedScope: string } {
  if (!parsed.resource) {
    throw aad.badScope(
      "The sandbox issues tokens only for Dataverse environments: add '<environment URL>/user_impersonation' to the scopes."
    )
  }
  for (const permission of parsed.permissions) {
    if (permission !== USER_PERMISSION && permission !== DEFAULT_PERMISSION) {
      throw aad.badScope(
        `The application '${clientName}' asked for scope '${permission}' that doesn't exist on the resource '${parsed.resource}'. Dataverse offers only 'user_impersonation'.`,
        650053
      )
    }
  }
  return { resource: parsed.resource, grantedScope: `${parsed.resource}/${USER_PERMISSION}` }
}

/** Client credentials: exactly `<resource>/.default` (reference §9, msal-offline.md Q3). */
export function appOnlyResource(scope: string): string {
  const values = scope.split(' ').filter((s) => s !== '')
  const bad = values.find((value) => !value.toLowerCase().endsWith(`/${DEFAULT_PERMISSION}`))
  if (bad !== undefined || values.length === 0) {
    throw aad.badScope(
      `The provided value for scope ${bad ?? '(empty)'} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      1002012
    )
  }
  const parsed = parseScopes(scope)
  if (!parsed.resource) throw aad.badScope('Client credential flows need a resource scope.')
  return parsed.resource
}
