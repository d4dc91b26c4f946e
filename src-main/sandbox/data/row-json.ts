import { isoSeconds } from '../control/clock'
import { isLookup, type ColumnModel, type TableModel } from '../schema/model'
import { lookupTableColumn, type Row } from '../storage/table-store'

export const etagOf = (row: Row): string => `W/"${row.__version}"`

/** A stored value as the Web API's JSON shows it (reference §8.4, §8.5). */
export function jsonValue(column: ColumnModel, value: unknown): unknown {
  if (value === null || value === undefined) return null
  switch (column.type) {
    case 'Boolean':
      return value === 1 || value === true
    case 'DateTime':
      return value
    default:
      return value
  }
}

/** Which columns a response carries: the $select list (plus the primary id) or every column. */
export function selectedColumns(table: TableModel, select?: readonly ColumnModel[]): ColumnModel[] {
  if (!select) return table.columns
  const primary = table.columnsByName.get(table.primaryId)!
  return select.includes(primary) ? [...select] : [...select, primary]
}

export interface RowJsonOptions {
  annotate?: (column: ColumnModel, row: Row, out: Record<string, unknown>) => void
}

/** One record as JSON: etag first, then the columns in selection order, primary id last. */
export function rowToJson(
  table: TableModel,
  row: Row,
  columns: readonly ColumnModel[],
  options: RowJsonOptions = {}
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row) }
  let primary: ColumnModel | undefined
  for (const column of columns) {
    if (column.isPrimaryId) {
      primary = column
      continue
    }
    const value = jsonValue(column, row[column.name])
    options.annotate?.(column, row, out)
    out[column.jsonName] = value
  }
  if (primary) out[primary.jsonName] = row[primary.name]
  return out
}

/** The target table a stored lookup value points at. */
export function lookupTarget(column: ColumnModel, row: Row): string | undefined {
  if (!isLookup(column)) return undefined
  const table = row[lookupTableColumn(column.name)]
  return typeof table === 'string' ? table : undefined
}

export { isoSeconds }
