import { jsonPropertyOf } from '../../src-shared/model/metadata'
import type { ColumnChange, PlanAction, PushSettings } from '../../src-shared/model/push'
import { KeyValueError, keyLiteral, keyPredicate } from '../../src-shared/odata/key-literal'
import type { SourceRow } from '../sources/types'
import type { MirrorRows } from '../store/repositories/mirror-rows'
import type { NewPlanItem, PlanPayload } from '../store/repositories/plans'
import { ConversionError, convertValue, sameValue, type ConvertOptions } from './convert'
import type { ResolvedColumn, ResolvedLookup, ResolvedMapping } from './mapping'
import type { RecordLookup } from './plan-prefetch'

/** A lookup table's records as planning finds them: its mirror, or Dataverse read by key. */
export type LookupRecords = RecordLookup & {
  /** How a missing parent was looked for, for the row's error; a mirror by default. */
  readonly checkedIn?: string
}

/** The records a row is planned against: the target table's mirror, and each lookup table's. */
export interface PlanMirrors {
  target: MirrorRows
  lookups: ReadonlyMap<string, LookupRecords>
}

/** What one row reads of them: a record by id or by key (prefetched for a chunk of rows). */
export interface RowMirrors {
  target: RecordLookup
  lookups: ReadonlyMap<string, LookupRecords>
}

export interface PlannedRow {
  item: NewPlanItem
  /** Normalised key, to find two source rows with the same key. */
  duplicateKey: string | null
  /** The mirror record the row matched, if any (also for a row with errors, by its key). */
  matchedId: string | null
  /**
   * The row's key could not be read, so no record can be said to be missing from the source:
   * the planner then refuses to delete or deactivate records for missing rows.
   */
  keyUnreadable: boolean
}

/**
 * The referenced record's key values a row gives for a lookup, converted to the key columns'
 * types; null when every part is empty (the lookup is cleared). Throws ConversionError.
 */
export function lookupKeyOf(
  lookup: ResolvedLookup,
  source: SourceRow,
  settings: ConvertOptions
): unknown[] | null {
  const raw = lookup.sourceColumns.map((s) => source.values[s])
  if (raw.every((v) => v === null || v === undefined || v === '')) return null
  return lookup.keyColumns.map((k, i) => convertValue(k, raw[i], settings))
}

/** A change with the labels that are known (none is stored as nothing, not as undefined). */
function withLabels(
  change: ColumnChange,
  fromLabel: string | undefined,
  toLabel: string | undefined
): ColumnChange {
  return {
    ...change,
    ...(fromLabel !== undefined ? { fromLabel } : {}),
    ...(toLabel !== undefined ? { toLabel } : {})
  }
}

/** A choice, state or status value's label from the column's options ("Services"). */
function choiceLabel(col: ResolvedColumn, value: unknown): string | undefined {
  if (typeof value !== 'number' || !col.column.options?.length) return undefined
  return col.column.options.find((o) => o.value === value)?.label
}

/**
 * A referenced record as a person knows it: its primary name and, when given, its key
 * ("Contoso Ltd (ACC-00030)"); undefined when neither is known.
 */
function recordLabel(
  lookup: ResolvedLookup,
  record: { data: string } | undefined,
  given?: readonly unknown[]
): string | undefined {
  let data: Record<string, unknown> = {}
  try {
    data = record ? (JSON.parse(record.data) as Record<string, unknown>) : {}
  } catch {
    // A mirror row is JSON; nothing to show otherwise.
  }
  const name = data[lookup.table.primaryNameAttribute]
  const shown = typeof name === 'string' && name.trim() ? name : undefined
  // The key as Dataverse holds it (the source may write it in another case), else as given.
  const parts = lookup.keyColumns.map((k, i) => data[jsonPropertyOf(k)] ?? given?.[i])
  const key = parts.every((p) => p !== undefined && p !== null) ? parts.join('|') : undefined
  if (shown && key) return `${shown} (${key})`
  return shown ?? key
}

/** Required levels Dataverse (SystemRequired) or its forms (ApplicationRequired) insist on. */
const REQUIRED = new Set(['SystemRequired', 'ApplicationRequired'])

/** An empty cell: nothing, null, or only spaces (a lookup: every part of its key). */
function isEmptyCell(col: ResolvedColumn, source: SourceRow): boolean {
  const blank = (v: unknown): boolean =>
    v === null || v === undefined || (typeof v === 'string' && v.trim() === '')
  return (col.lookup?.sourceColumns ?? [col.source]).every((s) => blank(source.values[s]))
}

const nice = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : String(v))

/**
 * One source row against the mirror: convert the mapped values, find the record by its key,
 * resolve lookups by the referenced table's key, and propose create / update (only the columns
 * that differ) / unchanged / skip — or an error that says which row, column and value, and why.
 */
export function planRow(
  source: SourceRow,
  seq: number,
  mapping: ResolvedMapping,
  settings: Pick<PushSettings, 'mode' | 'emptyValues'> & ConvertOptions,
  mirrors: RowMirrors
): PlannedRow {
  const base = {
    seq,
    row: source.row,
    location: source.location,
    recordId: null,
    key: null,
    keyValues: null,
    changes: {},
    payload: null,
    etag: null
  }
  const fail = (
    error: string,
    key: string | null = null,
    matchedId: string | null = null,
    keyUnreadable = true
  ): PlannedRow => ({
    item: { ...base, key, action: 'error', error },
    duplicateKey: null,
    matchedId,
    keyUnreadable
  })
  // The source's message already says where (line, item, cell).
  if (source.error) return fail(`Row ${source.row}: ${source.error.message}`)

  const errors: string[] = []
  const values = new Map<ResolvedColumn, unknown>()
  const binds: Record<string, string> = {}
  const lookupIds = new Map<ResolvedColumn, string | null | undefined>()
  const lookupLabels = new Map<ResolvedColumn, string | undefined>()
  const keyColumns = mapping.key.kind === 'alternate' ? mapping.key.columns : [mapping.key.column]
  const keyNames = new Set(keyColumns.map((c) => c.column.logicalName))
  /** Columns left as they are: their cell is empty and the rule says ignore. */
  const ignored = new Set<ResolvedColumn>()
  for (const col of mapping.columns) {
    let row = source
    // A key column always needs its value (an empty one is reported below).
    if (!keyNames.has(col.column.logicalName) && isEmptyCell(col, source)) {
      const rule = col.empty ?? settings.emptyValues ?? 'ignore'
      if (rule === 'ignore') {
        ignored.add(col)
        continue
      }
      if (rule === 'default')
        row = { ...source, values: { ...source.values, [col.source]: col.emptyDefault ?? null } }
    }
    if (col.lookup) {
      try {
        const keyValues = lookupKeyOf(col.lookup, row, settings)
        if (keyValues === null) {
          values.set(col, null)
          lookupIds.set(col, null)
          continue
        }
        const path = `${col.lookup.table.entitySetName}(${keyPredicate(col.lookup.keyColumns, keyValues)})`
        const mirror = mirrors.lookups.get(col.lookup.table.logicalName)
        const found = mirror?.findByKey(col.lookup.keyColumns.map(jsonPropertyOf), keyValues)
        if (mirror && !found) {
          const where =
            mirror.checkedIn ??
            `checked in the mirror; pull ${col.lookup.table.logicalName} if it was just created`
          errors.push(
            `column '${col.source}' → ${col.column.logicalName}: no ${col.lookup.table.logicalName} with ${col.lookup.keyColumns.map((k, i) => `${k.logicalName} ${nice(keyValues[i])}`).join(' and ')} (${where})`
          )
          continue
        }
        binds[col.lookup.navigation] = path
        values.set(col, path)
        lookupIds.set(col, found?.id)
        lookupLabels.set(col, recordLabel(col.lookup, found, keyValues))
      } catch (err) {
        errors.push(`column '${col.source}' → ${col.column.logicalName}: ${(err as Error).message}`)
      }
      continue
    }
    try {
      values.set(col, convertValue(col.column, row.values[col.source], settings))
    } catch (err) {
      if (!(err instanceof ConversionError)) throw err
      errors.push(
        `column '${col.source}' → ${col.column.logicalName} (${col.column.type}): ${err.message}`
      )
    }
  }

  // The key: every key column needs a value Dataverse can address a record by.
  const keyValues: Record<string, unknown> = {}
  for (const col of keyColumns) {
    const value = col.lookup ? lookupIds.get(col) : values.get(col)
    if (value === null || value === undefined) {
      if (!errors.some((e) => e.includes(`'${col.source}'`)))
        errors.push(
          `key column '${col.source}' → ${col.column.logicalName} is empty; every row needs a key value`
        )
      continue
    }
    try {
      keyLiteral(col.column, value)
      keyValues[col.column.logicalName] = value
    } catch (err) {
      if (!(err instanceof KeyValueError)) throw err
      errors.push(err.message)
    }
  }
  const keyText =
    keyColumns
      .map((c) => keyValues[c.column.logicalName])
      .filter((v) => v !== undefined)
      .map(String)
      .join('|') || null
  const keyReadable = keyColumns.every((c) => keyValues[c.column.logicalName] !== undefined)
  const keyJson = keyColumns.map((c) => jsonPropertyOf(c.column))
  const keyList = keyColumns.map((c) => keyValues[c.column.logicalName])
  const findExisting = () =>
    mapping.key.kind === 'primary'
      ? mirrors.target.get(String(keyList[0]))
      : mirrors.target.findByKey(keyJson, keyList)
  if (errors.length) {
    // A row with a typo in one cell is still in the source: its record is not "missing", so
    // --missing delete|deactivate must not touch it (issue 19, item 2).
    const matched = keyReadable ? (findExisting()?.id ?? null) : null
    return fail(
      `Row ${source.row} (${source.location}): ${errors.join('; ')}`,
      keyText,
      matched,
      !keyReadable
    )
  }
  const existing = findExisting()
  const duplicateKey = JSON.stringify(
    keyList.map((v) => (typeof v === 'string' ? v.toLowerCase() : v))
  )

  const payload: PlanPayload = { values: {}, binds: {} }
  const changes: Record<string, ColumnChange> = {}
  const mirrored = existing ? (JSON.parse(existing.data) as Record<string, unknown>) : {}
  for (const col of mapping.columns) {
    const name = col.column.logicalName
    if (col.column.isPrimaryId || ignored.has(col)) continue
    const to = values.get(col)
    if (existing && keyNames.has(name)) continue
    const from = existing ? (mirrored[jsonPropertyOf(col.column)] ?? null) : null
    if (col.lookup) {
      const targetId = lookupIds.get(col)
      if (existing && (targetId !== undefined ? sameValue(col.column, from, targetId) : false))
        continue
      if (to === null) payload.binds[col.lookup.navigation] = ''
      else payload.binds[col.lookup.navigation] = binds[col.lookup.navigation]!
      const records = mirrors.lookups.get(col.lookup.table.logicalName)
      const fromRecord = typeof from === 'string' ? records?.get(from) : undefined
      changes[name] = withLabels(
        { from, to: targetId ?? to },
        fromRecord && recordLabel(col.lookup, fromRecord),
        lookupLabels.get(col)
      )
      continue
    }
    if (existing && sameValue(col.column, from, to)) continue
    payload.values[name] = to
    if (existing || to !== null)
      changes[name] = withLabels({ from, to }, choiceLabel(col, from), choiceLabel(col, to))
  }
  // A required column (the primary name, say) cleared by an empty cell: refused before anything
  // is written, with what to do (issue 12, item 1: 15,000 names set to null).
  const cleared = mapping.columns.filter(
    (c) =>
      REQUIRED.has(c.column.requiredLevel) &&
      !ignored.has(c) &&
      (existing ? changes[c.column.logicalName]?.to === null : values.get(c) === null)
  )
  if (cleared.length)
    return fail(
      `Row ${source.row} (${source.location}): ${cleared.map((c) => `column '${c.source}' → ${c.column.logicalName} is empty, and ${c.column.logicalName} is required in Dataverse`).join('; ')}; fill the cell, or let empty cells of the column leave it as it is ("ignore") so the record keeps its value`,
      keyText,
      existing?.id ?? null,
      false
    )
  let action: PlanAction
  let error: string | null = null
  if (existing) {
    action =
      settings.mode === 'create' ? 'skip' : Object.keys(changes).length ? 'update' : 'unchanged'
    if (action === 'skip')
      error = `A record with key ${keyText} already exists and the mode is create-only.`
  } else {
    action = settings.mode === 'update' ? 'skip' : 'create'
    if (action === 'skip') error = `No record with key ${keyText}, and the mode is update-only.`
    for (const name of keyNames)
      if (!(name in payload.values)) payload.values[name] = keyValues[name]
  }
  return {
    item: {
      ...base,
      recordId: existing?.id ?? null,
      key: keyText,
      keyValues,
      action,
      changes,
      payload: action === 'create' || action === 'update' ? payload : null,
      etag: existing?.etag ?? null,
      error
    },
    duplicateKey,
    matchedId: existing?.id ?? null,
    keyUnreadable: false
  }
}
