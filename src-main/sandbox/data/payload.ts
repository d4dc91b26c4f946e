import { errors, type ODataError } from '../http/errors'
import { isLookup, type ColumnModel, type TableModel } from '../schema/model'
import { lookupTableColumn } from '../storage/table-store'

/** The Edm type a column has on the wire, used in the OData layer's messages. */
export function edmType(column: ColumnModel): string {
  switch (column.type) {
    case 'String':
    case 'Memo':
      return 'Edm.String'
    case 'Integer':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'Edm.Int32'
    case 'BigInt':
      return 'Edm.Int64'
    case 'Decimal':
    case 'Money':
      return 'Edm.Decimal'
    case 'Double':
      return 'Edm.Double'
    case 'Boolean':
      return 'Edm.Boolean'
    case 'DateTime':
      return column.format === 'DateOnly' ? 'Edm.Date' : 'Edm.DateTimeOffset'
    default:
      return 'Edm.Guid'
  }
}

export const GUID_TEXT =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/** A resolved `@odata.bind`: the record a lookup points at. */
export interface BoundRecord {
  table: string
  id: string
}

export interface PayloadContext {
  table: TableModel
  operation: 'create' | 'update'
  /** Resolves `accounts(…)`, `/accounts(…)` or an absolute URL to an existing record, or throws. */
  resolveBind: (url: string, allowedTables: readonly string[]) => BoundRecord
}

/**
 * Turns a request body into column values ready to store, or throws the error Dataverse gives
 * for it: unknown property, wrong type, too long, out of range, bad option (reference §7.4).
 * Annotations (`@odata.type`, `x@OData.Community…`) are accepted and ignored.
 */
export function convertPayload(body: unknown, ctx: PayloadContext): Record<string, unknown> {
  const { table } = ctx
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw errors.payload(table.logicalName, 'The request body must be a JSON object.')
  }
  const values: Record<string, unknown> = {}
  for (const [property, raw] of Object.entries(body as Record<string, unknown>)) {
    const bind = property.endsWith('@odata.bind')
      ? property.slice(0, -'@odata.bind'.length)
      : undefined
    if (bind !== undefined) {
      const nav = table.navigation.get(bind)
      if (!nav) {
        throw errors.payload(
          table.logicalName,
          `An undeclared property '${bind}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`
        )
      }
      if (raw === null) {
        values[nav.column.name] = null
        values[lookupTableColumn(nav.column.name)] = null
        continue
      }
      if (typeof raw !== 'string') {
        throw errors.payload(table.logicalName, `The value of '${property}' must be a URL string.`)
      }
      const bound = ctx.resolveBind(raw, [nav.target.table])
      values[nav.column.name] = bound.id
      values[lookupTableColumn(nav.column.name)] = bound.table
      continue
    }
    if (property.includes('@')) continue
    const column = table.columnsByJsonName.get(property)
    if (!column) {
      if (table.columnsByName.has(property) && isLookup(table.columnsByName.get(property)!)) {
        throw errors.payload(
          table.logicalName,
          `CRM do not support direct update of Entity Reference properties, Use Navigation properties instead. (Set '${property}' with '${table.columnsByName.get(property)!.targets![0]!.navigationProperty}@odata.bind'.)`
        )
      }
      throw errors.payload(
        table.logicalName,
        `The property '${property}' does not exist on type 'Microsoft.Dynamics.CRM.${table.logicalName}'. Make sure to only use property names that are defined by the type or mark the type as open type.`
      )
    }
    if (isLookup(column)) {
      throw errors.payload(
        table.logicalName,
        `CRM do not support direct update of Entity Reference properties, Use Navigation properties instead. (Set '${column.targets![0]!.navigationProperty}@odata.bind' instead of '${property}'.)`
      )
    }
    // Read-only columns (createdon, versionnumber, computed names) are ignored, as the service
    // ignores values it computes itself; the primary id is honoured on create only.
    const writable =
      ctx.operation === 'create' ? column.validForCreate !== false : column.validForUpdate !== false
    if (!writable || column.isSystem || column.computed) continue
    values[column.name] = convertValue(table, column, raw)
  }
  return values
}

/** One JSON value checked and converted for its column. */
export function convertValue(table: TableModel, column: ColumnModel, raw: unknown): unknown {
  if (raw === null) return null
  const cannot = (): ODataError =>
    errors.payload(
      table.logicalName,
      `Cannot convert the literal '${typeof raw === 'string' ? raw : JSON.stringify(raw)}' to the expected type '${edmType(column)}'.`
    )
  switch (column.type) {
    case 'String':
    case 'Memo': {
      if (typeof raw !== 'string') throw cannot()
      const max = column.maxLength ?? (column.type === 'Memo' ? 2000 : 100)
      if ([...raw].length > max) throw errors.tooLong(table.logicalName, column.name, max)
      return raw
    }
    case 'Integer':
    case 'BigInt':
    case 'Picklist':
    case 'State':
    case 'Status': {
      if (typeof raw !== 'number' || !Number.isInteger(raw)) throw cannot()
      if (column.options && !column.options.some((o) => o.value === raw)) {
        throw errors.optionOutOfRange(
          table.logicalName,
          column.name,
          raw,
          column.options.map((o) => o.value)
        )
      }
      return checkRange(table, column, raw)
    }
    case 'Decimal':
    case 'Money':
    case 'Double': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw cannot()
      const digits =
        column.type === 'Double'
          ? undefined
          : (column.precision ?? (column.type === 'Money' ? 4 : 2))
      const value = digits === undefined ? raw : Number(raw.toFixed(digits))
      return checkRange(table, column, value)
    }
    case 'Boolean':
      if (typeof raw !== 'boolean') throw cannot()
      return raw ? 1 : 0
    case 'DateTime': {
      if (typeof raw !== 'string') throw cannot()
      const date = normalizeDate(raw, column.format === 'DateOnly')
      if (date === undefined) throw cannot()
      return date
    }
    case 'Uniqueidentifier':
      if (typeof raw !== 'string' || !GUID_TEXT.test(raw)) throw cannot()
      return raw.toLowerCase()
    default:
      throw cannot()
  }
}

function checkRange(table: TableModel, column: ColumnModel, value: number): number {
  const min = column.minValue ?? (column.type === 'Integer' ? -2_147_483_648 : -Number.MAX_VALUE)
  const max = column.maxValue ?? (column.type === 'Integer' ? 2_147_483_647 : Number.MAX_VALUE)
  if (value < min || value > max) {
    throw errors.badRequest(
      `A validation error occurred. The value ${value} of '${column.name}' on record of type '${table.logicalName}' is outside the valid range (${min} to ${max}).`,
      '0x80044331'
    )
  }
  return value
}

/** Dataverse stores date-times in UTC to the second and date-only values as plain dates. */
export function normalizeDate(text: string, dateOnly: boolean): string | undefined {
  const date = DATE_ONLY.exec(text)
  if (date) {
    const parsed = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]))
    if (new Date(parsed).toISOString().slice(0, 10) !== text) return undefined
    return dateOnly ? text : `${text}T00:00:00Z`
  }
  if (!DATE_TIME.test(text)) return undefined
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) return undefined
  const iso = new Date(Math.floor(ms / 1000) * 1000).toISOString()
  return dateOnly ? iso.slice(0, 10) : iso.replace('.000Z', 'Z')
}
