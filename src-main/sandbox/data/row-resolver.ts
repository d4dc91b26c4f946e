import type { PropertyInfo, PropertyResolver, ValueKind } from '../odata/query-options'
import type { ColumnModel, TableModel } from '../schema/model'
import type { SandboxState } from '../state'
import type { Row } from '../storage/table-store'
import { edmType } from './payload'

export function valueKind(column: ColumnModel): ValueKind {
  switch (column.type) {
    case 'String':
    case 'Memo':
      return 'string'
    case 'Integer':
    case 'BigInt':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'integer'
    case 'Decimal':
    case 'Money':
    case 'Double':
      return 'decimal'
    case 'Boolean':
      return 'boolean'
    case 'DateTime':
      return 'datetime'
    default:
      return 'guid'
  }
}

function columnInfo(column: ColumnModel, get: (row: Row) => unknown): PropertyInfo<Row> {
  const kind = valueKind(column)
  return {
    kind,
    edmType: edmType(column),
    get:
      kind === 'boolean'
        ? (row) => (get(row) == null ? null : get(row) === 1 || get(row) === true)
        : get
  }
}

/**
 * How $filter and $orderby see a stored row: columns by their JSON names (lookups as
 * `_x_value`), and `nav/column` paths through single-valued navigation properties
 * (`primarycontactid/fullname`, reference §8.4), read from the referenced record.
 */
export function rowResolver(state: SandboxState, table: TableModel): PropertyResolver<Row> {
  return {
    typeName: `Microsoft.Dynamics.CRM.${table.logicalName}`,
    resolve(path) {
      if (path.length === 1) {
        const column = table.columnsByJsonName.get(path[0]!)
        if (!column) return undefined
        return columnInfo(column, (row) => row[column.name])
      }
      if (path.length === 2) {
        const nav = table.navigation.get(path[0]!)
        const target = nav ? state.catalog.table(nav.target.table) : undefined
        const column = target?.columnsByJsonName.get(path[1]!)
        if (!nav || !target || !column) return undefined
        const store = state.catalog.store(target.logicalName)
        return columnInfo(column, (row) => {
          const id = row[nav.column.name]
          if (typeof id !== 'string' || row[`${nav.column.name}__table`] !== target.logicalName)
            return null
          return store.get(id)?.[column.name] ?? null
        })
      }
      return undefined
    }
  }
}

/** Columns named in $select, by JSON name; unknown names get the OData layer's error. */
export function columnsByJsonNames(
  table: TableModel,
  names: readonly string[]
): ColumnModel[] | string {
  const out: ColumnModel[] = []
  for (const name of names) {
    const column = table.columnsByJsonName.get(name)
    if (!column) return name
    if (!out.includes(column)) out.push(column)
  }
  return out
}
