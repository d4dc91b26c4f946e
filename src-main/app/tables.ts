import type { KeyInfo, TableDetails, TableInfo } from '../../src-shared/model/metadata'
import type {
  CreateKeyInput,
  KeyDuplicatesInput,
  KeyDuplicatesView,
  KeyRef,
  KeyView,
  TableDetailsView,
  TableView
} from '../../src-shared/schemas/metadata'
import type { MirrorRecord } from '../store/repositories/mirrors'
import { AppError } from './errors'
import type { EnvironmentsService } from './environments'
import type { AppEvents } from './events'
import {
  createAlternateKey,
  deleteAlternateKey,
  enableChangeTracking,
  findKey,
  keyDuplicates,
  reactivateAlternateKey
} from './metadata-operations'
import type { Services } from './services'

export interface TablesDeps {
  services: Services
  events: AppEvents
  environments: EnvironmentsService
}

/** The Tables screen's service: tables with tracking state and keys, columns, the two changes. */
export class TablesService {
  constructor(private readonly deps: TablesDeps) {}

  async list(environmentId: number): Promise<TableView[]> {
    const environment = await this.deps.environments.ready(environmentId)
    const tables = await this.deps.services.client(environment).metadata.listTables()
    const mirrors = new Map(
      this.deps.services.store.mirrors.list(environment.id).map((m) => [m.tableName, m])
    )
    return tables.map((t) => toTableView(t, mirrors.get(t.logicalName)))
  }

  async get(environmentId: number, table: string): Promise<TableDetailsView> {
    const environment = await this.deps.environments.ready(environmentId)
    const details = await this.deps.services.client(environment).metadata.getTable(table)
    const mirror = this.deps.services.store.mirrors.find(environment.id, details.logicalName)
    return toDetailsView(details, mirror)
  }

  async enableTracking(
    environmentId: number,
    table: string
  ): Promise<{ table: string; changed: boolean }> {
    const environment = await this.deps.environments.ready(environmentId)
    const { changed } = await enableChangeTracking(
      this.deps.services.client(environment).metadata,
      table
    )
    if (changed) this.changed(environmentId)
    return { table, changed }
  }

  async keys(environmentId: number, table: string): Promise<KeyView[]> {
    const environment = await this.deps.environments.ready(environmentId)
    return (await this.deps.services.client(environment).metadata.getKeys(table)).map(toKeyView)
  }

  async createKey(input: CreateKeyInput): Promise<KeyView> {
    const environment = await this.deps.environments.ready(input.environmentId)
    const metadata = this.deps.services.client(environment).metadata
    const key =
      (await createAlternateKey(metadata, input.table, {
        schemaName: input.schemaName,
        displayName: input.displayName,
        columns: input.columns
      })) ?? (await findKey(metadata, input.table, input.schemaName))
    this.changed(input.environmentId)
    if (!key)
      throw new AppError(
        'NOT_FOUND',
        `Dataverse accepted key ${input.schemaName} but does not list it yet; refresh the table in a moment.`
      )
    return toKeyView(key)
  }

  /** Deletes a key; a profile that matches or looks up records by it then fails to plan. */
  async deleteKey(ref: KeyRef): Promise<{ deleted: string }> {
    const environment = await this.deps.environments.ready(ref.environmentId)
    const key = await deleteAlternateKey(
      this.deps.services.client(environment).metadata,
      ref.table,
      ref.key
    )
    this.changed(ref.environmentId)
    return { deleted: key.schemaName }
  }

  /** Queues a Failed key's index again; its status then goes Pending → Active or Failed. */
  async reactivateKey(ref: KeyRef): Promise<KeyView> {
    const environment = await this.deps.environments.ready(ref.environmentId)
    const key = await reactivateAlternateKey(
      this.deps.services.client(environment).metadata,
      ref.table,
      ref.key
    )
    this.changed(ref.environmentId)
    if (!key)
      throw new AppError(
        'NOT_FOUND',
        `Dataverse accepted the reactivation of ${ref.key} but no longer lists the key; refresh the table.`
      )
    return toKeyView(key)
  }

  /** The duplicated values behind a Failed key, from the mirror, as of its last pull. */
  async keyDuplicates(input: KeyDuplicatesInput): Promise<KeyDuplicatesView> {
    const environment = await this.deps.environments.ready(input.environmentId)
    const limit = input.limit ?? 50
    // One more than asked, to say whether the list goes on.
    const found = await keyDuplicates(
      this.deps.services.client(environment).metadata,
      this.deps.services.store,
      environment,
      input.table,
      input.key,
      limit + 1,
      'Pull it first: they are read from the copy a pull keeps on this computer.'
    )
    return {
      key: toKeyView(found.key),
      mirroredAt: found.mirroredAt,
      duplicates: found.duplicates.slice(0, limit).map((d) => ({
        values: d.values.map(scalar),
        records: d.records,
        ids: d.ids
      })),
      more: found.duplicates.length > limit
    }
  }

  private changed(environmentId: number): void {
    this.deps.events.emit('data:changed', { entities: ['tables', 'keys'], environmentId })
  }
}

/** A mirrored value as the contract carries it: JSON objects (never a key column) as text. */
const scalar = (v: unknown): string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
    ? v
    : JSON.stringify(v)

const toKeyView = (k: KeyInfo): KeyView => ({
  logicalName: k.logicalName,
  schemaName: k.schemaName,
  displayName: k.displayName,
  columns: [...k.columns],
  status: k.status
})

function toTableView(t: TableInfo, mirror: MirrorRecord | undefined): TableView {
  return {
    logicalName: t.logicalName,
    schemaName: t.schemaName,
    displayName: t.displayName,
    entitySetName: t.entitySetName,
    primaryIdAttribute: t.primaryIdAttribute,
    primaryNameAttribute: t.primaryNameAttribute,
    changeTrackingEnabled: t.changeTrackingEnabled,
    canChangeTrackingBeEnabled: t.canChangeTrackingBeEnabled,
    isCustom: t.isCustom,
    keys: t.keys.map(toKeyView),
    mirror: mirror
      ? {
          rowCount: mirror.rowCount,
          lastPullAt: mirror.lastPullAt,
          tracking: mirror.deltaLink !== null,
          columns: mirror.columns.length
        }
      : null
  }
}

function toDetailsView(t: TableDetails, mirror: MirrorRecord | undefined): TableDetailsView {
  return {
    ...toTableView(t, mirror),
    columns: t.columns.map((c) => ({
      logicalName: c.logicalName,
      displayName: c.displayName,
      type: c.type,
      isPrimaryId: c.isPrimaryId,
      isPrimaryName: c.isPrimaryName,
      validForCreate: c.validForCreate,
      validForUpdate: c.validForUpdate,
      validForRead: c.validForRead,
      requiredLevel: c.requiredLevel,
      maxLength: c.maxLength ?? null,
      targets: c.targets ?? [],
      options: (c.options ?? []).map((o) => ({ value: o.value, label: o.label }))
    }))
  }
}
