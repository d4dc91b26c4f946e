import { randomBytes } from 'node:crypto'
import type { AddressInfo, Socket } from 'node:net'
import { adminRoutes, type SandboxInfo } from './control/admin-routes'
import { SandboxClock } from './control/clock'
import { createControls, type SandboxControls } from './control/controls'
import { FaultInjector, type FaultSettings } from './control/faults'
import { ServiceProtection, type LimitSettings } from './control/limits'
import { StatsRecorder } from './control/stats'
import { createSandboxServer } from './http/server'
import { createIdentityProvider, type IdentityProvider } from './identity/provider'
import { demoSchema } from './schema/demo'
import { stableGuid } from './schema/model'
import type { SchemaDef } from './schema/types'
import { seedDemo } from './seed/demo-seed'
import type { OrganizationSettings, SandboxState } from './state'
import { Catalog } from './storage/catalog'
import { ChangeLog } from './storage/change-log'
import { MetaStore, openSandboxDatabase } from './storage/database'

export interface SandboxOptions {
  /** 0 (default) picks a free port. Persisted MSAL caches need a fixed one (msal-offline.md). */
  port?: number
  /** 'demo' seeds accounts, contacts and products; 'empty' creates the tables only. */
  seed?: 'demo' | 'empty'
  /** Tables to serve instead of the demo catalogue. */
  schema?: SchemaDef
  products?: number
  accounts?: number
  contacts?: number
  /** Seed of the demo data generator and of random faults. */
  randomSeed?: number
  retentionDays?: number
  /** SQLite file that keeps the sandbox across restarts; a temporary file when omitted. */
  store?: string
  keyActivationDelayMs?: number
  accessTokenLifetimeSeconds?: number
  faults?: Partial<FaultSettings>
  limits?: Partial<LimitSettings>
  /** Request bodies above this size get 413 (default 128 MiB). */
  maxBodyBytes?: number
}

export interface RunningSandbox {
  /** The environment URL, e.g. http://127.0.0.1:5555 (the resource in token scopes). */
  url: string
  apiBase: string
  tenantId: string
  authority: string
  tokenEndpoint: string
  clientId: string
  clientSecret: string
  publicClientId: string
  /** Key for the /_sandbox/ admin controls. */
  adminKey: string
  identity: IdentityProvider
  controls: SandboxControls
  state: SandboxState
  /** A client-credentials access token for the demo app, for tests and tools. */
  appToken(): Promise<string>
  close(): Promise<void>
}

/** Starts the Dataverse Web API emulator and its identity provider on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const database = openSandboxDatabase(options.store)
  const { db } = database
  const meta = new MetaStore(db)
  const clock = new SandboxClock()
  clock.restore(meta.get<number>('clockOffsetMs') ?? 0)
  const schema =
    (database.existed ? Catalog.persistedSchema(meta) : undefined) ?? options.schema ?? demoSchema()
  const catalog = new Catalog(db, meta, schema)
  const changeLog = new ChangeLog(db, meta)
  const organization: OrganizationSettings = meta.get<OrganizationSettings>('organization') ?? {
    organizationId: stableGuid('organization', 'sandbox'),
    name: 'Dataverse Sync Studio sandbox',
    businessUnitId: stableGuid('businessunit', 'sandbox'),
    expireChangeTrackingInDays: options.retentionDays ?? 7
  }
  if (options.retentionDays !== undefined)
    organization.expireChangeTrackingInDays = options.retentionDays
  meta.set('organization', organization)
  const state: SandboxState = {
    db,
    meta,
    catalog,
    changeLog,
    clock,
    organization,
    keyActivationDelayMs: options.keyActivationDelayMs ?? 3000,
    write: <T>(fn: () => T): T =>
      db.transaction(() => {
        const result = fn()
        changeLog.flush()
        return result
      })()
  }
  if (!database.existed && (options.seed ?? 'demo') === 'demo' && !options.schema) {
    seedDemo(
      state,
      {
        accounts: options.accounts ?? 50,
        contacts: options.contacts ?? 200,
        products: options.products ?? 1000
      },
      options.randomSeed ?? 42
    )
  }

  let origin = ''
  const identity = createIdentityProvider({
    origin: () => origin,
    ...(options.accessTokenLifetimeSeconds !== undefined
      ? { accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds }
      : {})
  })
  const faults = new FaultInjector()
  faults.configure({ seed: options.randomSeed ?? 42, ...options.faults })
  const limits = new ServiceProtection()
  if (options.limits) limits.configure(options.limits)
  const stats = new StatsRecorder()
  const controls = createControls(state, { faults, limits, stats, identity })
  const adminKey = randomBytes(18).toString('base64url')
  const info = (): SandboxInfo => {
    const e = identity.endpoints()
    return {
      url: origin,
      apiBase: `${origin}/api/data/v9.2/`,
      tenantId: identity.tenantId,
      authority: e.authority,
      tokenEndpoint: e.tokenEndpoint,
      clientId: identity.confidentialClient.clientId,
      clientSecret: identity.confidentialClient.clientSecret,
      publicClientId: identity.publicClientId,
      knownAuthority: e.knownAuthority,
      authorityMetadata: e.authorityMetadata
    }
  }
  const server = createSandboxServer({
    state,
    identity,
    faults,
    limits,
    stats,
    admin: adminRoutes(controls, adminKey, info),
    origin: () => origin,
    ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {})
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const endpoints = identity.endpoints()
  const sockets = new Set<Socket>()
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  return {
    url: origin,
    apiBase: `${origin}/api/data/v9.2/`,
    tenantId: identity.tenantId,
    authority: endpoints.authority,
    tokenEndpoint: endpoints.tokenEndpoint,
    clientId: identity.confidentialClient.clientId,
    clientSecret: identity.confidentialClient.clientSecret,
    publicClientId: identity.publicClientId,
    adminKey,
    identity,
    controls,
    state,
    async appToken() {
      const response = await fetch(endpoints.tokenEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: identity.confidentialClient.clientId,
          client_secret: identity.confidentialClient.clientSecret,
          scope: `${origin}/.default`
        })
      })
      const json = (await response.json()) as { access_token?: string; error_description?: string }
      if (!json.access_token)
        throw new Error(
          `Sandbox token request failed: ${json.error_description ?? response.status}`
        )
      return json.access_token
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      database.close()
    }
  }
}
