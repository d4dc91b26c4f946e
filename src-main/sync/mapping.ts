import {
  isLookupType,
  jsonPropertyOf,
  nameMatchKey,
  type ColumnInfo,
  type KeyInfo,
  type TableDetails
} from '../../src-shared/model/metadata'
import type {
  ColumnMapping,
  EmptyValueRule,
  MatchKey,
  PushSettings
} from '../../src-shared/model/push'

/** Which part of a mapping entry (or the key choice) a MappingError is about, for forms. */
export type MappingPart = 'source' | 'target' | 'lookup' | 'key'

/** A mapping or key choice that can't work; nothing is planned or sent. */
export class MappingError extends Error {
  override name = 'MappingError'
  constructor(
    message: string,
    readonly part: MappingPart = 'target'
  ) {
    super(message)
  }
}

/** One thing wrong with a mapping, with the form field it belongs to (`mapping.2.source`, `key`). */
export interface MappingProblem {
  field: string
  message: string
}

export interface ResolvedLookup {
  table: TableDetails
  key: KeyInfo
  /** The referenced table's key columns, in key order. */
  keyColumns: ColumnInfo[]
  /** Source columns holding the key values, in the same order. */
  sourceColumns: string[]
  /** `<navigation>@odata.bind`, e.g. parentcustomerid_account (from the relationship metadata). */
  navigation: string
}

export interface ResolvedColumn {
  source: string
  column: ColumnInfo
  lookup?: ResolvedLookup
  /** The mapping's own rule for empty cells, if it has one. */
  empty?: EmptyValueRule
  emptyDefault?: string
}

export interface ResolvedMapping {
  table: TableDetails
  columns: ResolvedColumn[]
  /** Match key: the key's columns (resolved), or the primary id. */
  key:
    | { kind: 'alternate'; info: KeyInfo; columns: ResolvedColumn[] }
    | { kind: 'primary'; column: ResolvedColumn }
}

/**
 * Maps source columns to table columns by name: logical name, JSON name or display name,
 * ignoring case, spaces and underscores ("Product Number" → productnumber). Source columns that
 * match nothing are left out (the preview lists them).
 */
export function autoMap(sourceColumns: readonly string[], table: TableDetails): ColumnMapping[] {
  const byName = new Map<string, ColumnInfo>()
  for (const column of table.columns) {
    if (!column.validForCreate && !column.validForUpdate && !column.isPrimaryId) continue
    for (const name of [column.logicalName, jsonPropertyOf(column), column.displayName]) {
      if (!byName.has(nameMatchKey(name))) byName.set(nameMatchKey(name), column)
    }
  }
  const taken = new Set<string>()
  const out: ColumnMapping[] = []
  for (const source of sourceColumns) {
    const column = byName.get(nameMatchKey(source))
    if (!column || taken.has(column.logicalName)) continue
    taken.add(column.logicalName)
    out.push({ source, target: column.logicalName })
  }
  return out
}

/** Checks a mapping and key choice against the table (and the tables its lookups point at). */
export function resolveMapping(
  settings: Pick<PushSettings, 'mapping' | 'key'>,
  table: TableDetails,
  lookupTables: ReadonlyMap<string, TableDetails>,
  sourceColumns: readonly string[]
): ResolvedMapping {
  const resolved: ResolvedColumn[] = []
  const seenTargets = new Set<string>()
  for (const m of settings.mapping)
    resolved.push(resolveEntry(m, table, lookupTables, sourceColumns, seenTargets))
  return { table, columns: resolved, key: resolveKey(settings.key, table, resolved) }
}

/**
 * Every problem of a mapping and key choice at once, each with its form field, where
 * resolveMapping stops at the first: for the profile editor's messages beside each field.
 */
export function mappingProblems(
  settings: Pick<PushSettings, 'mapping' | 'key'>,
  table: TableDetails,
  lookupTables: ReadonlyMap<string, TableDetails>,
  sourceColumns: readonly string[]
): MappingProblem[] {
  const problems: MappingProblem[] = []
  const resolved: ResolvedColumn[] = []
  const seenTargets = new Set<string>()
  settings.mapping.forEach((m, i) => {
    try {
      resolved.push(resolveEntry(m, table, lookupTables, sourceColumns, seenTargets))
    } catch (err) {
      if (!(err instanceof MappingError)) throw err
      problems.push({ field: `mapping.${i}.${err.part}`, message: err.message })
    }
  })
  try {
    resolveKey(settings.key, table, resolved)
  } catch (err) {
    if (!(err instanceof MappingError)) throw err
    problems.push({ field: 'key', message: err.message })
  }
  return problems
}

/** One mapping entry checked against the table; `seenTargets` catches a column mapped twice. */
function resolveEntry(
  m: ColumnMapping,
  table: TableDetails,
  lookupTables: ReadonlyMap<string, TableDetails>,
  sourceColumns: readonly string[],
  seenTargets: Set<string>
): ResolvedColumn {
  const column = table.columns.find((c) => c.logicalName === m.target.toLowerCase())
  if (!column)
    throw new MappingError(
      `The mapping names column '${m.target}', which table '${table.logicalName}' doesn't have.`
    )
  if (!column.validForCreate && !column.validForUpdate && !column.isPrimaryId) {
    throw new MappingError(
      `Column '${column.logicalName}' can't be written (Dataverse computes it); remove it from the mapping.`
    )
  }
  if (seenTargets.has(column.logicalName))
    throw new MappingError(
      `Column '${column.logicalName}' is mapped twice; map each column from one source column.`
    )
  seenTargets.add(column.logicalName)
  const lookup = isLookupType(column.type) ? resolveLookup(m, column, lookupTables) : undefined
  for (const source of lookup?.sourceColumns ?? [m.source]) {
    if (!sourceColumns.includes(source))
      throw new MappingError(
        `The source has no column '${source}' (mapped to ${column.logicalName}). Its columns: ${sourceColumns.join(', ')}.`,
        'source'
      )
  }
  if (m.empty === 'default' && m.emptyDefault === undefined)
    throw new MappingError(
      `Column '${m.source}' → ${column.logicalName}: empty cells are to get a default value, but none is given.`,
      'target'
    )
  if (m.empty === 'default' && lookup && lookup.sourceColumns.length > 1)
    throw new MappingError(
      `Lookup '${column.logicalName}' uses a compound key; a default for its empty cells can't say every part. Use ignore or clear.`,
      'lookup'
    )
  return {
    source: m.source,
    column,
    ...(lookup ? { lookup } : {}),
    ...(m.empty ? { empty: m.empty } : {}),
    ...(m.emptyDefault !== undefined ? { emptyDefault: m.emptyDefault } : {})
  }
}

function resolveKey(
  key: MatchKey,
  table: TableDetails,
  columns: ResolvedColumn[]
): ResolvedMapping['key'] {
  if (key.kind === 'primary') {
    const column = columns.find((c) => c.column.isPrimaryId)
    if (!column)
      throw new MappingError(
        `Matching by id needs a source column mapped to ${table.primaryIdAttribute}.`,
        'key'
      )
    return { kind: 'primary', column }
  }
  const active = table.keys.filter((k) => k.status === 'Active')
  const wanted = key.columns
    .map((c) => c.toLowerCase())
    .sort()
    .join(',')
  const mapped = new Set(columns.map((c) => c.column.logicalName))
  // No key chosen: the first Active key whose columns are all mapped from the source.
  const chosen =
    !key.name && key.columns.length === 0
      ? active.find((k) => k.columns.every((c) => mapped.has(c)))
      : undefined
  const info =
    chosen ??
    table.keys.find(
      (k) =>
        k.logicalName === key.name.toLowerCase() ||
        k.schemaName.toLowerCase() === key.name.toLowerCase()
    ) ??
    table.keys.find((k) => wanted !== '' && [...k.columns].sort().join(',') === wanted)
  const list = active.map((k) => `${k.logicalName} (${k.columns.join(', ')})`).join('; ') || 'none'
  if (!info)
    throw new MappingError(
      `Table '${table.logicalName}' has no alternate key ${key.name || key.columns.join('+')}. Active keys: ${list}.`,
      'key'
    )
  if (info.status !== 'Active') {
    throw new MappingError(
      `Key '${info.logicalName}' of '${table.logicalName}' is ${info.status}; records can only be matched by an Active key. Active keys: ${list}.`,
      'key'
    )
  }
  const keyColumns = info.columns.map((name) => {
    const c = columns.find((r) => r.column.logicalName === name)
    if (!c)
      throw new MappingError(
        `Key column '${name}' of key '${info.logicalName}' is not mapped from the source; every key column needs a source column.`,
        'key'
      )
    return c
  })
  return { kind: 'alternate', info, columns: keyColumns }
}

function resolveLookup(
  m: ColumnMapping,
  column: ColumnInfo,
  tables: ReadonlyMap<string, TableDetails>
): ResolvedLookup {
  const targetName =
    m.lookup?.table ?? (column.targets?.length === 1 ? column.targets[0] : undefined)
  if (!targetName) {
    throw new MappingError(
      `Lookup '${column.logicalName}' can point at ${column.targets?.join(' or ')}; say which table the source values belong to.`,
      'lookup'
    )
  }
  if (column.targets && !column.targets.includes(targetName)) {
    throw new MappingError(
      `Lookup '${column.logicalName}' can't point at '${targetName}'; it accepts ${column.targets.join(', ')}.`,
      'lookup'
    )
  }
  const table = tables.get(targetName)
  if (!table)
    throw new MappingError(
      `No metadata for table '${targetName}' (lookup ${column.logicalName}).`,
      'lookup'
    )
  const active = table.keys.filter((k) => k.status === 'Active')
  const key = m.lookup?.keyColumns
    ? active.find(
        (k) =>
          [...k.columns].sort().join(',') ===
          [...m.lookup!.keyColumns]
            .map((c) => c.toLowerCase())
            .sort()
            .join(',')
      )
    : active.find((k) => k.columns.length === 1)
  if (!key) {
    const list =
      active.map((k) => `${k.logicalName} (${k.columns.join(', ')})`).join('; ') || 'none'
    throw new MappingError(
      `Lookup '${column.logicalName}': table '${targetName}' has no Active key ${m.lookup?.keyColumns?.join('+') ?? 'with one column'} to find records by. Active keys: ${list}.`,
      'lookup'
    )
  }
  const order = m.lookup?.keyColumns?.map((c) => c.toLowerCase()) ?? key.columns
  const keyColumns = order.map((name) => table.columns.find((c) => c.logicalName === name)!)
  const sourceColumns = m.lookup?.sourceColumns ?? [m.source]
  if (sourceColumns.length !== keyColumns.length) {
    throw new MappingError(
      `Lookup '${column.logicalName}': key ${key.logicalName} has ${keyColumns.length} columns but ${sourceColumns.length} source columns were given.`,
      'lookup'
    )
  }
  const navigation = column.navigation?.[targetName]
  if (!navigation)
    throw new MappingError(
      `Lookup '${column.logicalName}': Dataverse reported no navigation property towards '${targetName}'.`,
      'lookup'
    )
  return { table, key, keyColumns, sourceColumns, navigation }
}
