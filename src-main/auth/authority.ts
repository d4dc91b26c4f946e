import { AuthFailedError } from './errors'
import { fetchSandboxInfo, isLoopbackHost, type SandboxInfo } from './sandbox-info'

/**
 * Which identity provider an environment signs in with, as MSAL's `auth` settings.
 *
 * - Entra ID in the public cloud: `https://login.microsoftonline.com/<tenant|organizations>`,
 *   nothing else: MSAL has that cloud's metadata built in (msal-offline.md TL;DR).
 * - National clouds: `env.authority`, e.g. https://login.microsoftonline.us (a tenant segment is
 *   added when the URL has no path) or https://login.chinacloudapi.cn/<tenant>.
 * - The sandbox's identity provider (a loopback authority): the same code paths, plus the three
 *   overrides msal-offline.md establishes (https authority + knownAuthorities "host:port" +
 *   authorityMetadata as a JSON string), read from the sandbox's /_sandbox/info.
 */
export interface MsalAuthority {
  authority: string
  knownAuthorities?: string[]
  authorityMetadata?: string
}

export const PUBLIC_CLOUD = 'https://login.microsoftonline.com'

/** Entra's tenant-independent segments: fine for users, not for an app's own credentials. */
const MULTI_TENANT = new Set(['organizations', 'common', 'consumers'])

export interface AuthorityInput {
  name: string
  authKind: string
  tenantId?: string
  authority?: string
}

/**
 * The authority for a user sign-in (tenant optional: 'organizations' lets any work account in)
 * or an app credential (tenant required: msal-offline.md Q3, missing_tenant_id_error).
 */
export function authorityUrl(env: AuthorityInput, flow: 'user' | 'app'): string {
  let base: URL
  try {
    base = new URL(env.authority ?? PUBLIC_CLOUD)
  } catch {
    throw new AuthFailedError(
      'configuration',
      `The authority of environment '${env.name}' is not a URL: '${env.authority ?? ''}'. Use e.g. https://login.microsoftonline.com/<tenant id>.`
    )
  }
  if (base.protocol !== 'https:' || base.search || base.hash || base.username)
    throw new AuthFailedError(
      'configuration',
      `The authority of environment '${env.name}' must be a plain https URL such as https://login.microsoftonline.us/<tenant id>.`
    )
  const segment = base.pathname.split('/').filter(Boolean)[0]
  const tenant = segment ?? env.tenantId?.trim()
  if (flow === 'app' && (!tenant || MULTI_TENANT.has(tenant.toLowerCase())))
    throw new AuthFailedError(
      'configuration',
      `Environment '${env.name}' signs in as an app (${env.authKind}), which needs the directory (tenant) id: add it with --tenant <tenant id or domain> (Entra admin center → Overview → Tenant ID).`
    )
  return segment ? `${base.origin}/${segment}` : `${base.origin}/${tenant ?? 'organizations'}`
}

/**
 * MSAL auth settings for an authority URL. A loopback authority can only be the sandbox's
 * identity provider (Entra is never on 127.0.0.1), so its overrides are fetched from it.
 */
export async function msalAuthority(
  authority: string,
  fetchInfo: (origin: string) => Promise<SandboxInfo> = (origin) => fetchSandboxInfo(origin)
): Promise<MsalAuthority> {
  const url = new URL(authority)
  if (!isLoopbackHost(url.hostname)) return { authority }
  return sandboxAuthority(await fetchInfo(`http://${url.host}`))
}

export const sandboxAuthority = (info: SandboxInfo): MsalAuthority => ({
  authority: info.authority,
  knownAuthorities: [info.knownAuthority],
  authorityMetadata: info.authorityMetadata
})

/** `<environment URL>/user_impersonation` for users, `/.default` for apps (reference §9). */
export function scopeFor(environmentUrl: string, flow: 'user' | 'app'): string {
  return `${environmentOrigin(environmentUrl)}/${flow === 'user' ? 'user_impersonation' : '.default'}`
}

/** The resource: the environment URL's origin, no trailing slash or /api/data (reference §9). */
export function environmentOrigin(environmentUrl: string): string {
  try {
    return new URL(environmentUrl).origin
  } catch {
    throw new AuthFailedError(
      'configuration',
      `'${environmentUrl}' is not an environment URL; use e.g. https://contoso.crm.dynamics.com.`
    )
  }
}
