import { jsonPropertyOf, type ColumnInfo, type TableDetails } from '../../src-shared/model/metadata'

/** Column types with no stored value of their own in Web API rows. */
const NOT_MIRRORED = new Set(['Virtual', 'EntityName', 'Other'])

export class ColumnSelectionError extends Error {
  override name = 'ColumnSelectionError'
}

/**
 * The JSON properties a pull selects: the columns asked for (logical names, or _x_value for
 * lookups) or every readable column, always with the primary id and the alternate-key columns
 * (the mirror indexes those so a push can match records without asking Dataverse).
 */
export function selectColumns(table: TableDetails, requested?: readonly string[]): string[] {
  const byName = new Map<string, ColumnInfo>()
  for (const column of table.columns) {
    byName.set(column.logicalName, column)
    byName.set(jsonPropertyOf(column), column)
  }
  let chosen: ColumnInfo[]
  if (requested && requested.length > 0) {
    chosen = requested.map((name) => {
      const column = byName.get(name.trim().toLowerCase())
      if (!column) {
        const close = table.columns
          .map((c) => c.logicalName)
          .filter((n) => n.includes(name.toLowerCase().slice(0, 4)))
          .slice(0, 5)
        throw new ColumnSelectionError(
          `Table '${table.logicalName}' has no column '${name}'.${close.length ? ` Did you mean ${close.join(', ')}?` : ''} List them with: dvsync columns --env ENV --table ${table.logicalName}`
        )
      }
      if (NOT_MIRRORED.has(column.type) || !column.validForRead) {
        throw new ColumnSelectionError(
          `Column '${name}' of '${table.logicalName}' can't be read through the Web API (${column.type}).`
        )
      }
      return column
    })
  } else {
    chosen = table.columns.filter((c) => c.validForRead && !NOT_MIRRORED.has(c.type))
  }
  const keyColumns = table.keys
    .flatMap((k) => k.columns)
    .map((name) => byName.get(name))
    .filter((c): c is ColumnInfo => !!c)
  const names = new Set<string>()
  for (const column of [...chosen, ...keyColumns]) {
    if (!column.isPrimaryId) names.add(jsonPropertyOf(column))
  }
  return [...names]
}

/** Alternate keys as JSON property lists, for the mirror's key indexes. */
export function keyColumnsOf(table: TableDetails): string[][] {
  return table.keys.map((k) => jsonNamesOf(table, k.columns))
}

/** Logical column names as the JSON properties rows carry them (lookups as _x_value). */
function jsonNamesOf(table: TableDetails, columns: readonly string[]): string[] {
  const byName = new Map(table.columns.map((c) => [c.logicalName, c]))
  return columns.map((name) => (byName.get(name) ? jsonPropertyOf(byName.get(name)!) : name))
}

/**
 * The JSON property names of the table's first Active key: the values that name a record in the
 * journal. A Pending or Failed key identifies nothing (its values need not be unique), so with no
 * Active key there is none.
 */
export function recordKeyColumnsOf(table: TableDetails): string[] | null {
  const active = table.keys.find((k) => k.status === 'Active')
  return active ? jsonNamesOf(table, active.columns) : null
}

export function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',')
}
