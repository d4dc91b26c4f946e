import type Database from 'better-sqlite3'
import type { SandboxClock } from './control/clock'
import type { Catalog } from './storage/catalog'
import type { ChangeLog } from './storage/change-log'
import type { MetaStore } from './storage/database'

/** Organisation-wide settings the Web API exposes on the organizations table (reference §1.7). */
export interface OrganizationSettings {
  organizationId: string
  name: string
  businessUnitId: string
  /** Days a delta token stays valid; Dataverse's range is 0–365, the docs' default 7. */
  expireChangeTrackingInDays: number
}

/** Everything a request handler may touch. One instance per running sandbox. */
export interface SandboxState {
  db: Database.Database
  meta: MetaStore
  catalog: Catalog
  changeLog: ChangeLog
  clock: SandboxClock
  organization: OrganizationSettings
  /** How long a key created over the API stays Pending before its index job runs. */
  keyActivationDelayMs: number
  /** Runs fn in one SQLite transaction and persists the version counter with it. */
  write<T>(fn: () => T): T
}
