import { isLookupType, jsonPropertyOf, type ColumnInfo } from '../model/metadata'

/**
 * Alternate-key segments built from column metadata (reference §2.1, §2.2): strings quoted with
 * quotes doubled, numbers and GUIDs bare, lookups named _x_value, and the whole segment
 * URL-encoded. Values Dataverse can't address by key are refused here, before anything is sent.
 */
export class KeyValueError extends Error {
  constructor(
    readonly column: string,
    readonly value: unknown,
    message: string
  ) {
    super(message)
    this.name = 'KeyValueError'
  }
}

/** Characters that break retrieve/update/upsert by alternate key (reference §2.2). */
export const FORBIDDEN_KEY_CHARACTERS = ['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+'] as const

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** A decimal as people and exports write it; not hex, not Infinity, not "1,5". */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

/**
 * OData date (Edm.Date, DateOnly columns) or date-time with a zone (Edm.DateTimeOffset). Date.parse
 * is no judge: it reads "1" as the year 2001 and rolls 2024-02-30 over into March.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,7})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d))?$/

function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** Lone surrogates can't be UTF-8 encoded, so no URL can carry them. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

type KeyColumn = Pick<ColumnInfo, 'logicalName' | 'type'>

/** The OData literal for one key value, or a KeyValueError that says what to fix. */
/**
 * A value as an error message quotes it, whatever it is: String() itself throws on an object
 * whose toString isn't callable (the fuzzer's `{ toString: 0 }`), which turned a refusal into a
 * TypeError. Long values are cut.
 */
function shown(value: unknown): string {
  let text: string
  try {
    text = String(value)
  } catch {
    text = Object.prototype.toString.call(value)
  }
  return text.length > 80 ? `${text.slice(0, 80)}…` : text
}

export function keyLiteral(column: KeyColumn, value: unknown): string {
  const fail = (why: string): never => {
    throw new KeyValueError(column.logicalName, value, `Key column '${column.logicalName}': ${why}`)
  }
  if (value === null || value === undefined || value === '')
    return fail('the value is empty; every key column needs a value.')
  switch (column.type) {
    case 'String':
    case 'Memo': {
      const text =
        typeof value === 'string'
          ? value
          : typeof value === 'number'
            ? String(value)
            : fail(`expected text, got ${typeof value}.`)
      if (LONE_SURROGATE.test(text))
        fail(`the text is not valid Unicode (it holds half of a surrogate pair).`)
      const bad = FORBIDDEN_KEY_CHARACTERS.find((ch) => text.includes(ch))
      if (bad) {
        fail(
          `'${text}' contains '${bad}'. Dataverse can't find records by an alternate key whose value contains / < > * % & : \\ ? or + (even URL-encoded); change the value or match by another key.`
        )
      }
      return `'${text.replace(/'/g, "''")}'`
    }
    case 'Integer':
    case 'BigInt':
    case 'Picklist':
    case 'State':
    case 'Status': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^-?\d+$/.test(value.trim())
            ? Number(value)
            : NaN
      if (!Number.isSafeInteger(n)) fail(`expected a whole number, got '${shown(value)}'.`)
      return String(n)
    }
    case 'Decimal':
    case 'Money':
    case 'Double': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && DECIMAL.test(value.trim())
            ? Number(value)
            : NaN
      if (!Number.isFinite(n)) fail(`expected a number, got '${shown(value)}'.`)
      return String(n)
    }
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      if (typeof value !== 'string' || !GUID.test(value))
        fail(`expected a GUID, got '${shown(value)}'.`)
      return (value as string).toLowerCase()
    case 'DateTime':
      if (typeof value !== 'string' || !isIsoDate(value))
        fail(
          `expected an ISO 8601 date (2025-01-31) or date and time with a zone (2025-01-31T09:00:00Z), got '${shown(value)}'.`
        )
      return value as string
    case 'Boolean':
      if (typeof value !== 'boolean') fail(`expected true or false, got '${shown(value)}'.`)
      return String(value)
    default:
      return fail(`columns of type ${column.type} can't be part of an alternate key.`)
  }
}

/**
 * The key predicate `a='x',b=2` (or a bare GUID for the primary key), URL-encoded and ready to
 * put between the parentheses of `entityset(…)`.
 */
export function keyPredicate(
  columns: readonly KeyColumn[],
  values: readonly unknown[],
  primaryId?: string
): string {
  if (columns.length === 1 && columns[0]!.logicalName === primaryId) {
    return keyLiteral({ logicalName: primaryId, type: 'Uniqueidentifier' }, values[0])
  }
  return columns
    .map(
      (column, i) =>
        `${jsonPropertyOf(column)}=${encodeURIComponent(keyLiteral(column, values[i]))}`
    )
    .join(',')
}

/** `accounts(accountnumber='A-1')` for a record, usable in URLs and in @odata.bind / @odata.id. */
export function recordPath(entitySet: string, predicate: string): string {
  return `${entitySet}(${predicate})`
}

export { isLookupType }
