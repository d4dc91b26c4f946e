/**
 * The sandbox tenant's demo directory: its users and app registrations. Fixed GUIDs so that
 * configurations, persisted MSAL caches and docs stay valid across sandbox restarts
 * (msal-offline.md: a cache is only reusable against the same authority host:port and tenant).
 * Nobody has a password: the sign-in page lets you pick a user (pages.ts).
 */

export const DEFAULT_TENANT_ID = '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee'
/** The tenant's verified domain; Entra accepts a tenant's domain in place of its id in paths. */
export const TENANT_DOMAIN = 'sandbox.local'

export interface DemoUser {
  oid: string
  name: string
  username: string
  givenName: string
  familyName: string
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    oid: '0a1d2b3c-4e5f-4a6b-8c7d-1e2f3a4b5c01',
    name: 'Avery Admin',
    username: 'admin@sandbox.local',
    givenName: 'Avery',
    familyName: 'Admin'
  },
  {
    oid: '0a1d2b3c-4e5f-4a6b-8c7d-1e2f3a4b5c02',
    name: 'Morgan Maker',
    username: 'maker@sandbox.local',
    givenName: 'Morgan',
    familyName: 'Maker'
  },
  {
    oid: '0a1d2b3c-4e5f-4a6b-8c7d-1e2f3a4b5c03',
    name: 'Riley Reader',
    username: 'reader@sandbox.local',
    givenName: 'Riley',
    familyName: 'Reader'
  }
]

export interface AppRegistration {
  appId: string
  /** The app's service principal in the tenant: the `oid`/`sub` of its app-only tokens. */
  servicePrincipalId: string
  displayName: string
  kind: 'public' | 'confidential'
  /** Only for confidential clients. A demo value, printed on purpose by `dvsync sandbox --json`. */
  secret?: string
  /** App roles granted on the Dataverse resource; Dataverse defines none (reference §9). */
  roles: string[]
}

/** The sandbox's own desktop app registration (loopback redirect, reference §9 "Public client"). */
export const SANDBOX_PUBLIC_CLIENT: AppRegistration = {
  appId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1001',
  servicePrincipalId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d2001',
  displayName: 'Dataverse Sync Studio (sandbox desktop app)',
  kind: 'public',
  roles: []
}

/**
 * Microsoft's sample public client, "preapproved for all Dataverse environments" (reference §9).
 * Registered here too so a configuration that uses it as its default also works in the sandbox.
 */
export const MICROSOFT_SAMPLE_PUBLIC_CLIENT: AppRegistration = {
  appId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
  servicePrincipalId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d2002',
  displayName: 'Microsoft Dataverse sample public client',
  kind: 'public',
  roles: []
}

/** Demo app registration for server-to-server (client credentials) runs. */
export const SANDBOX_CONFIDENTIAL_CLIENT: AppRegistration = {
  appId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002',
  servicePrincipalId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d2003',
  displayName: 'Dataverse Sync Studio (sandbox automation)',
  kind: 'confidential',
  secret: 'sandbox-demo-secret~not-a-real-credential',
  roles: []
}

const APPS: readonly AppRegistration[] = [
  SANDBOX_PUBLIC_CLIENT,
  MICROSOFT_SAMPLE_PUBLIC_CLIENT,
  SANDBOX_CONFIDENTIAL_CLIENT
]

export const findApp = (appId: string): AppRegistration | undefined =>
  APPS.find((app) => app.appId.toLowerCase() === appId.toLowerCase())

export const findUserByOid = (oid: string): DemoUser | undefined =>
  DEMO_USERS.find((user) => user.oid === oid)

export const findUserByUsername = (username: string): DemoUser | undefined =>
  DEMO_USERS.find((user) => user.username.toLowerCase() === username.toLowerCase())

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname)

/**
 * Redirect URIs the public clients are registered with: `http://localhost` and
 * `http://127.0.0.1`. As Entra does for loopback URIs of desktop apps (RFC 8252 §7.3), any port is
 * accepted; msal-node asks for `http://localhost:<random port>` (msal-offline.md). Paths other
 * than `/`, queries and fragments are not registered.
 */
export function isRegisteredRedirectUri(app: AppRegistration, redirectUri: string): boolean {
  if (app.kind !== 'public') return false
  let url: URL
  try {
    url = new URL(redirectUri)
  } catch {
    return false
  }
  return (
    url.protocol === 'http:' &&
    (url.hostname === 'localhost' || url.hostname === '127.0.0.1') &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !redirectUri.includes('#')
  )
}
