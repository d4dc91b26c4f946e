import { isoSeconds } from '../control/clock'
import { errors } from '../http/errors'
import { parseKeyPredicate, type KeyLiteral } from '../odata/key-predicate'
import { parseApiPath } from '../odata/path'
import { isLookup, type ColumnModel, type KeyModel, type TableModel } from '../schema/model'
import type { SandboxState } from '../state'
import type { Row } from '../storage/table-store'
import { applyRecordRules } from './record-rules'
import type { BoundRecord } from './payload'

/** How a request names a record: by its id, or by the values of one of its alternate keys. */
export type RecordIdentity =
  { kind: 'id'; id: string } | { kind: 'key'; key: KeyModel; values: Map<string, unknown> }

/** Characters the docs say break retrieve/update/upsert by alternate key (reference §2.2). */
const FORBIDDEN_IN_KEYS = ['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+']

export function resolveIdentity(table: TableModel, predicateText: string): RecordIdentity {
  const predicate = parseKeyPredicate(predicateText)
  if (predicate.kind === 'single') {
    if (predicate.literal.kind !== 'guid') throw errors.invalidKeyInUri(table.logicalName)
    return { kind: 'id', id: predicate.literal.value }
  }
  const pairs = predicate.pairs
  if (pairs.length === 1 && pairs[0]!.name === table.primaryId) {
    const literal = pairs[0]!.literal
    if (literal.kind !== 'guid') throw errors.invalidKeyInUri(table.logicalName)
    return { kind: 'id', id: literal.value }
  }
  const columns = pairs.map(({ name }) => table.columnsByJsonName.get(name))
  const names = columns.map((c) => c?.name)
  const key = table.keys.find(
    (k) => k.columns.length === names.length && k.columns.every((c) => names.includes(c))
  )
  if (!key || columns.some((c) => !c)) throw errors.invalidKeyInUri(table.logicalName)
  if (key.status !== 'Active') {
    throw errors.badRequest(
      `The alternate key '${key.logicalName}' of table '${table.logicalName}' is ${key.status}: its index is not ready, so records can't be addressed by it yet. Wait until the key's EntityKeyIndexStatus is Active.`,
      '0x80060890'
    )
  }
  const values = new Map<string, unknown>()
  pairs.forEach(({ literal }, i) => {
    const column = columns[i]!
    values.set(column.name, keyValue(table, column, literal))
  })
  return { kind: 'key', key, values }
}

function keyValue(table: TableModel, column: ColumnModel, literal: KeyLiteral): unknown {
  const mismatch = (): never => {
    throw errors.invalidKeyInUri(table.logicalName)
  }
  switch (column.type) {
    case 'String': {
      if (literal.kind !== 'string') return mismatch()
      const bad = FORBIDDEN_IN_KEYS.find((ch) => literal.value.includes(ch))
      if (bad) {
        throw errors.uriParse(
          `The key value for '${column.name}' contains '${bad}'. Dataverse can't retrieve, update or upsert by an alternate key whose value contains / < > * % & : \\ ? or +. Address the record by its id instead.`
        )
      }
      return literal.value
    }
    case 'Integer':
    case 'Picklist':
      return literal.kind === 'number' && Number.isInteger(literal.value)
        ? literal.value
        : mismatch()
    case 'Decimal':
      return literal.kind === 'number' ? literal.value : mismatch()
    case 'Lookup':
    case 'Customer':
      return literal.kind === 'guid' ? literal.value : mismatch()
    case 'DateTime':
      return literal.kind === 'string' ? literal.value : mismatch()
    default:
      return mismatch()
  }
}

/** The stored column values an alternate-key identity stands for (lookups with their table). */
export function keyColumnValues(
  table: TableModel,
  identity: Extract<RecordIdentity, { kind: 'key' }>
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of identity.values) {
    out[name] = value
    const column = table.columnsByName.get(name)
    if (column && isLookup(column)) out[`${name}__table`] = column.targets![0]!.table
  }
  return out
}

export function findRecord(
  state: SandboxState,
  table: TableModel,
  identity: RecordIdentity
): Row | undefined {
  const store = state.catalog.store(table.logicalName)
  if (identity.kind === 'id') return store.get(identity.id)
  return store.findBy([...identity.values.keys()], [...identity.values.values()])
}

export function notFound(table: TableModel, identity: RecordIdentity): Error {
  return identity.kind === 'id'
    ? errors.recordNotFound(table.logicalName, identity.id)
    : errors.recordNotFoundByKey(table.logicalName)
}

/** `accounts(…)`, `/api/data/v9.2/accounts(…)` or an absolute URL of this service → the record. */
export function resolveBind(
  state: SandboxState,
  url: string,
  allowedTables: readonly string[]
): BoundRecord {
  let path = url
  if (/^https?:\/\//i.test(url)) path = new URL(url).pathname
  if (!path.startsWith('/')) path = `/api/data/v9.2/${path}`
  const parsed = parseApiPath(path)
  const segment = parsed?.segments.length === 1 ? parsed.segments[0] : undefined
  const table = segment ? state.catalog.tableBySet(segment.name) : undefined
  if (!segment?.predicate || !table) {
    throw errors.badRequest(
      `The @odata.bind value '${url}' is not a valid record reference.`,
      '0x80048d19'
    )
  }
  if (!allowedTables.includes(table.logicalName)) {
    throw errors.badRequest(
      `The @odata.bind value '${url}' refers to a '${table.logicalName}' record, but the lookup accepts ${allowedTables.join(' or ')}.`,
      '0x80048d19'
    )
  }
  const identity = resolveIdentity(table, segment.predicate)
  const row = findRecord(state, table, identity)
  if (!row) throw notFound(table, identity)
  return { table: table.logicalName, id: row[table.primaryId] as string }
}

/** Refuses a write that would give two records the same values for an Active key (§2.6). */
function checkKeys(
  state: SandboxState,
  table: TableModel,
  id: string,
  merged: (c: string) => unknown
): void {
  const store = state.catalog.store(table.logicalName)
  for (const key of table.keys) {
    if (key.status !== 'Active') continue
    const values = key.columns.map(merged)
    if (values.some((v) => v === null || v === undefined)) continue
    const other = store.findBy(key.columns, values)
    if (other && other[table.primaryId] !== id)
      throw errors.duplicateKey(key.logicalName, key.columns)
  }
}

export function createRecord(
  state: SandboxState,
  table: TableModel,
  values: Record<string, unknown>,
  explicitId?: string
): Row {
  const store = state.catalog.store(table.logicalName)
  const version = state.changeLog.next()
  const given = explicitId ?? (values[table.primaryId] as string | undefined)
  const id = given ? given.toLowerCase() : state.changeLog.sequentialId(version)
  if (store.get(id)) throw errors.duplicateRecord()
  const row = applyRecordRules(table, undefined, values, isoSeconds(state.clock.now()))
  row[table.primaryId] = id
  checkKeys(state, table, id, (c) => row[c])
  row['__version'] = version
  row['versionnumber'] = version
  store.insert(row)
  return store.get(id)!
}

export function updateRecord(
  state: SandboxState,
  table: TableModel,
  existing: Row,
  values: Record<string, unknown>
): Row {
  const store = state.catalog.store(table.logicalName)
  const id = existing[table.primaryId] as string
  const changes = applyRecordRules(table, existing, values, isoSeconds(state.clock.now()))
  delete changes[table.primaryId]
  checkKeys(state, table, id, (c) => (c in changes ? changes[c] : existing[c]))
  changes['__version'] = state.changeLog.next()
  changes['versionnumber'] = changes['__version']
  store.update(id, changes)
  return store.get(id)!
}

export function deleteRecord(state: SandboxState, table: TableModel, existing: Row): void {
  const store = state.catalog.store(table.logicalName)
  const id = existing[table.primaryId] as string
  store.delete(id)
  state.changeLog.recordDeletion(table.logicalName, id, state.clock.now())
  // Lookups that pointed at the record are cleared, as Dataverse's default cascade does.
  for (const other of state.catalog.tables()) {
    for (const column of other.columns) {
      if (!isLookup(column) || !column.targets?.some((t) => t.table === table.logicalName)) continue
      for (const ref of state.catalog.store(other.logicalName).referencing(column.name, id)) {
        updateRecord(state, other, ref, { [column.name]: null, [`${column.name}__table`]: null })
      }
    }
  }
}
