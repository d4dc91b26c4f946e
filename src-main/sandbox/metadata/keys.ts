import { errors } from '../http/errors'
import { KEY_COLUMN_TYPES, type ColumnModel, type TableModel } from '../schema/model'
import type { KeyStatus } from '../schema/types'
import type { SandboxState } from '../state'

/** Reference §2.3: at most 10 keys per table, 16 columns and 900 bytes per key. */
const MAX_KEYS = 10
const MAX_KEY_COLUMNS = 16
const MAX_KEY_BYTES = 900

/**
 * Index bytes of a key column in SQL Server, which is where the 900-byte limit comes from:
 * text is nvarchar (2 bytes a character), lookups uniqueidentifier, decimals decimal(23,10).
 */
function keyBytes(column: ColumnModel): number {
  switch (column.type) {
    case 'String':
      return 2 * (column.maxLength ?? 100)
    case 'Lookup':
    case 'Customer':
      return 16
    case 'Decimal':
      return 13
    case 'DateTime':
      return 8
    default:
      return 4
  }
}

export interface NewKey {
  SchemaName?: unknown
  KeyAttributes?: unknown
  DisplayName?: unknown
}

/**
 * POST EntityDefinitions(…)/Keys (reference §2.5): the key is stored as Pending and its index
 * job runs after the sandbox's activation delay — Active if the existing rows are unique,
 * Failed if they hold duplicates (§2.4).
 */
export function createKey(state: SandboxState, table: TableModel, body: NewKey): string {
  const schemaName = body.SchemaName
  const columns = body.KeyAttributes
  if (typeof schemaName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(schemaName)) {
    throw errors.badRequest(
      'SchemaName is required: letters, digits and underscores, starting with a letter.',
      '0x80048d19'
    )
  }
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    !columns.every((c) => typeof c === 'string')
  ) {
    throw errors.badRequest(
      'KeyAttributes must list the logical names of the key columns.',
      '0x80048d19'
    )
  }
  if (columns.length > MAX_KEY_COLUMNS) {
    throw errors.badRequest(
      `A key can have at most ${MAX_KEY_COLUMNS} columns; ${columns.length} were given.`,
      '0x80048d19'
    )
  }
  if (table.keys.length >= MAX_KEYS) {
    throw errors.badRequest(
      `Table '${table.logicalName}' already has the maximum of ${MAX_KEYS} alternate keys.`,
      '0x80048d19'
    )
  }
  for (const name of columns as string[]) {
    const column = table.columnsByName.get(name)
    if (!column)
      throw errors.badRequest(
        `Column '${name}' does not exist on table '${table.logicalName}'.`,
        '0x80048d19'
      )
    if (!KEY_COLUMN_TYPES.has(column.type) || column.isSystem) {
      throw errors.badRequest(
        `Column '${name}' is of type ${column.type}; alternate keys accept Decimal, Whole Number, Single line of text, Date Time, Lookup and Choice columns.`,
        '0x80048d19'
      )
    }
  }
  const bytes = (columns as string[]).reduce(
    (sum, name) => sum + keyBytes(table.columnsByName.get(name)!),
    0
  )
  if (bytes > MAX_KEY_BYTES) {
    throw errors.badRequest(
      `The key's columns take ${bytes} bytes in the index; a key can have at most ${MAX_KEY_BYTES} bytes.`,
      '0x80048d19'
    )
  }
  const logicalName = schemaName.toLowerCase()
  if (table.keys.some((k) => k.logicalName === logicalName))
    throw errors.keyNameExists(schemaName, table.logicalName)
  const sorted = [...(columns as string[])].sort().join(',')
  if (table.keys.some((k) => [...k.columns].sort().join(',') === sorted))
    throw errors.keyColumnsExist()
  const displayName = labelText(body.DisplayName) ?? schemaName
  const dueAt = state.clock.now() + state.keyActivationDelayMs
  const updated = state.catalog.updateTable(table.logicalName, (def) => {
    def.keys = [
      ...(def.keys ?? []),
      {
        schemaName,
        logicalName,
        displayName,
        columns: columns as string[],
        status: 'Pending',
        dueAt
      }
    ]
  })
  const key = updated.keys.find((k) => k.logicalName === logicalName)!
  runKeyJobs(state)
  return key.metadataId
}

function labelText(label: unknown): string | undefined {
  const localized = (label as { LocalizedLabels?: { Label?: unknown }[] } | undefined)
    ?.LocalizedLabels
  const text = localized?.[0]?.Label
  return typeof text === 'string' && text ? text : undefined
}

export function deleteKey(state: SandboxState, table: TableModel, logicalName: string): void {
  const key = table.keys.find((k) => k.logicalName === logicalName)!
  state.catalog.store(table.logicalName).dropKeyIndex(key)
  state.catalog.updateTable(table.logicalName, (def) => {
    def.keys = (def.keys ?? []).filter(
      (k) => (k.logicalName ?? k.schemaName.toLowerCase()) !== logicalName
    )
  })
}

/**
 * The ReactivateEntityKey action (Learn: webapi/reference/reactivateentitykey — "Submit a new
 * asynchronous system job to create the index for the key", parameters EntityLogicalName and
 * EntityKeyLogicalName, no return value): a Failed key goes back to Pending and its index job
 * runs again, Active if the duplicates are gone, Failed again if not. The docs are silent on a
 * key that is not Failed; the sandbox leaves a Pending, InProgress or Active key as it is.
 */
export function reactivateKey(state: SandboxState, body: unknown): void {
  const params = (body ?? {}) as { EntityLogicalName?: unknown; EntityKeyLogicalName?: unknown }
  const tableName = params.EntityLogicalName
  const keyName = params.EntityKeyLogicalName
  if (typeof tableName !== 'string' || typeof keyName !== 'string')
    throw errors.badRequest(
      'ReactivateEntityKey needs the parameters EntityLogicalName and EntityKeyLogicalName.',
      '0x80048d19'
    )
  const table = state.catalog.table(tableName.toLowerCase())
  if (!table)
    throw errors.badRequest(`Could not find an entity with name '${tableName}'.`, '0x80040217')
  const key = table.keys.find((k) => k.logicalName === keyName.toLowerCase())
  if (!key)
    throw errors.badRequest(
      `Table '${table.logicalName}' has no alternate key '${keyName}'.`,
      '0x80048d19'
    )
  if (key.status !== 'Failed') return
  const dueAt = state.clock.now() + state.keyActivationDelayMs
  state.catalog.updateTable(table.logicalName, (def) => {
    const stored = def.keys?.find(
      (k) => (k.logicalName ?? k.schemaName.toLowerCase()) === key.logicalName
    )
    if (stored) Object.assign(stored, { status: 'Pending', dueAt })
  })
  runKeyJobs(state)
}

/**
 * Moves keys along Pending → InProgress → Active/Failed as the sandbox clock passes their due
 * time. Called at the start of every request, so no timer keeps the process alive.
 */
export function runKeyJobs(state: SandboxState): void {
  const now = state.clock.now()
  for (const table of state.catalog.tables()) {
    for (const key of table.keys) {
      if (key.status !== 'Pending' && key.status !== 'InProgress') continue
      const due = key.dueAt ?? 0
      let status: KeyStatus = key.status
      if (now >= due) {
        status = state.catalog.store(table.logicalName).hasDuplicates(key.columns)
          ? 'Failed'
          : 'Active'
      } else if (now >= due - state.keyActivationDelayMs / 2) {
        status = 'InProgress'
      }
      if (status === key.status) continue
      state.catalog.updateTable(table.logicalName, (def) => {
        const stored = def.keys?.find(
          (k) => (k.logicalName ?? k.schemaName.toLowerCase()) === key.logicalName
        )
        if (stored) stored.status = status
      })
    }
  }
}
