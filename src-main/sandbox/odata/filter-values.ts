/**
 * Values as the evaluator compares them. Rows hand over plain JS values (strings, numbers, ISO
 * datetimes, GUID strings, enum member names); each kind gets one normalizer, applied to row values
 * per row and to literals once at compile time, and one ordering.
 */
import type { JsonScalar, Literal } from './filter-ast'
import { compareTextKeys, textKey } from './filter-collation'
import { msg } from './filter-messages'
import type { PropertyInfo, ValueKind } from './query-types'

export interface ExprType {
  kind: ValueKind | 'null'
  edmType: string
  enumType?: string
}

/** A value after normalization: text key, number, boolean, lower-case GUID, epoch ms, enum member. */
export type Normalized = string | number | boolean

export const BOOLEAN_TYPE: ExprType = { kind: 'boolean', edmType: 'Edm.Boolean' }

export const GUID_TEXT =
  /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const NO_ZONE = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i

/** A datetime without an offset would be read as local time by Date.parse; Dataverse means UTC. */
export function toInstant(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : raw.getTime()
  if (typeof raw !== 'string') return null
  const ms = Date.parse(NO_ZONE.test(raw) ? `${raw}Z` : raw)
  return Number.isNaN(ms) ? null : ms
}

function toNumber(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isNaN(raw) ? null : raw
  if (typeof raw === 'string' && raw.trim() !== '') {
    const n = Number(raw)
    return Number.isNaN(n) ? null : n
  }
  return typeof raw === 'bigint' ? Number(raw) : null
}

function toBoolean(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw
  return raw === 1 ? true : raw === 0 ? false : null
}

function toGuid(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  const m = GUID_TEXT.exec(raw)
  return (m?.[1] ?? raw).toLowerCase()
}

const NORMALIZERS: Readonly<Record<ValueKind, (raw: unknown) => Normalized | null>> = {
  string: (raw) =>
    typeof raw === 'string' ? textKey(raw) : raw == null ? null : textKey(String(raw)),
  integer: toNumber,
  decimal: toNumber,
  boolean: toBoolean,
  guid: toGuid,
  datetime: toInstant,
  enum: (raw) => (raw == null ? null : String(raw))
}

export const normalizer = (kind: ValueKind): ((raw: unknown) => Normalized | null) =>
  NORMALIZERS[kind]

/** SQL Server orders uniqueidentifier by its last group first, then right to left. */
function sqlGuidKey(guid: string): string {
  const [a = '', b = '', c = '', d = '', e = ''] = guid.split('-')
  return e + d + c + b + a
}

const byValue = (a: Normalized, b: Normalized): number => (a < b ? -1 : a > b ? 1 : 0)

const COMPARERS: Readonly<Record<ValueKind, (a: Normalized, b: Normalized) => number>> = {
  string: (a, b) => compareTextKeys(a as string, b as string),
  integer: byValue,
  decimal: byValue,
  boolean: byValue,
  datetime: byValue,
  enum: byValue,
  guid: (a, b) => byValue(sqlGuidKey(a as string), sqlGuidKey(b as string))
}

export const comparer = (kind: ValueKind): ((a: Normalized, b: Normalized) => number) =>
  COMPARERS[kind]

export function literalType(literal: Literal): ExprType {
  switch (literal.type) {
    case 'null':
      return { kind: 'null', edmType: 'null' }
    case 'string':
      return { kind: 'string', edmType: 'Edm.String' }
    case 'boolean':
      return BOOLEAN_TYPE
    case 'integer':
    case 'decimal':
      return { kind: literal.type, edmType: literal.edmType }
    case 'guid':
      return { kind: 'guid', edmType: 'Edm.Guid' }
    case 'datetime':
      return { kind: 'datetime', edmType: 'Edm.DateTimeOffset' }
    case 'date':
      return { kind: 'datetime', edmType: 'Edm.Date' }
    case 'enum':
      return { kind: 'enum', edmType: literal.enumType, enumType: literal.enumType }
  }
}

export const literalRaw = (literal: Literal): unknown =>
  literal.type === 'null' ? null : literal.value

const INTEGER_TEXT = /^[+-]?\d+$/
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/**
 * A value of a Dataverse function's PropertyValue(s), written as text ("5", "2000"), converted to
 * the property's kind and normalized.
 */
export function valueFromText(
  value: JsonScalar,
  info: Pick<PropertyInfo<unknown>, 'kind' | 'edmType'>,
  property: string
): Normalized {
  const text = value === null ? 'null' : String(value)
  const invalid = () => msg.invalidValue(text, info.edmType, property)
  if (value === null) throw invalid()
  switch (info.kind) {
    case 'string':
    case 'enum':
      return info.kind === 'string' ? textKey(text) : text
    case 'integer':
      if (!INTEGER_TEXT.test(text.trim())) throw invalid()
      return Number(text)
    case 'decimal':
      if (!DECIMAL_TEXT.test(text.trim())) throw invalid()
      return Number(text)
    case 'boolean': {
      const lower = text.trim().toLowerCase()
      if (lower === 'true' || lower === '1') return true
      if (lower === 'false' || lower === '0') return false
      throw invalid()
    }
    case 'guid': {
      const m = GUID_TEXT.exec(text.trim())
      if (!m?.[1]) throw invalid()
      return m[1].toLowerCase()
    }
    case 'datetime': {
      const ms = DATE_ONLY.test(text) || /T/i.test(text) ? toInstant(text) : null
      if (ms === null) throw invalid()
      return ms
    }
  }
}
