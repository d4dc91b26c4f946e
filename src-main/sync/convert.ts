import type { ColumnInfo } from '../../src-shared/model/metadata'

/** A value that can't become what the column holds: the planner turns it into a row error. */
export class ConversionError extends Error {
  override name = 'ConversionError'
}

export interface ConvertOptions {
  /** IANA time zone for date-times written without an offset (e.g. 'Europe/Berlin'). */
  timeZone: string
  decimalSeparator: '.' | ','
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'ja', 'oui', 'x'])
const FALSE = new Set(['false', 'no', 'n', '0', 'nein', 'non', ''])

const isBlank = (raw: unknown): boolean =>
  raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')

/**
 * Turns a source value (text from CSV, JSON values, Excel cells) into the Web API value of a
 * column, by its metadata type: numbers, money, booleans, dates with a time zone, choices by
 * label or value, state/status. An empty cell clears the column (null).
 */
export function convertValue(column: ColumnInfo, raw: unknown, options: ConvertOptions): unknown {
  if (isBlank(raw)) return null
  const expected = (what: string): never => {
    throw new ConversionError(`'${display(raw)}' is not ${what}`)
  }
  switch (column.type) {
    case 'String':
    case 'Memo': {
      const text =
        raw instanceof Date
          ? raw.toISOString()
          : typeof raw === 'object'
            ? JSON.stringify(raw)
            : String(raw)
      if (column.maxLength !== undefined && [...text].length > column.maxLength) {
        throw new ConversionError(
          `'${display(raw)}' is ${[...text].length} characters long; the column allows ${column.maxLength}`
        )
      }
      return text
    }
    case 'Integer':
    case 'BigInt': {
      const n = toNumber(raw, options)
      if (n === undefined || !Number.isInteger(n)) return expected('a whole number')
      if (column.type === 'Integer' && (n < -2_147_483_648 || n > 2_147_483_647))
        return expected('a whole number within ±2,147,483,647')
      return n
    }
    case 'Decimal':
    case 'Money':
    case 'Double': {
      const n = toNumber(raw, options)
      return n === undefined
        ? expected(
            `a number${options.decimalSeparator === ',' ? ' (decimal comma)' : ' (decimal point)'}`
          )
        : n
    }
    case 'Boolean': {
      if (typeof raw === 'boolean') return raw
      if (typeof raw === 'number' && (raw === 0 || raw === 1)) return raw === 1
      const text = String(raw).trim().toLowerCase()
      if (TRUE.has(text)) return true
      if (FALSE.has(text)) return false
      return expected('yes/no (true, false, yes, no, 1, 0)')
    }
    case 'DateTime':
      return (
        toDate(raw, column.dateOnly === true, options.timeZone) ??
        expected(
          column.dateOnly ? 'a date (YYYY-MM-DD)' : 'a date and time (e.g. 2025-03-01T09:30:00)'
        )
      )
    case 'Picklist':
    case 'State':
    case 'Status':
      return toOption(column, raw)
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner': {
      const text = String(raw)
        .trim()
        .replace(/^\{|\}$/g, '')
      if (
        !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(text)
      )
        return expected('a GUID')
      return text.toLowerCase()
    }
    default:
      throw new ConversionError(`columns of type ${column.type} can't be written`)
  }
}

function toNumber(raw: unknown, options: ConvertOptions): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined
  if (typeof raw === 'boolean' || raw instanceof Date) return undefined
  let text = String(raw)
    .trim()
    .replace(/[\s\u00a0']/g, '')
  if (options.decimalSeparator === ',') text = text.replace(/\./g, '').replace(',', '.')
  else text = text.replace(/,(?=\d{3}(\D|$))/g, '')
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined
  return Number(text)
}

function toOption(column: ColumnInfo, raw: unknown): number {
  const options = column.options ?? []
  const asNumber =
    typeof raw === 'number' ? raw : /^\s*-?\d+\s*$/.test(String(raw)) ? Number(raw) : undefined
  const byValue = asNumber !== undefined ? options.find((o) => o.value === asNumber) : undefined
  if (byValue) return byValue.value
  const text = String(raw).trim().toLowerCase()
  const byLabel = options.filter((o) => o.label.toLowerCase() === text)
  if (byLabel.length === 1) return byLabel[0]!.value
  const labels = options.map((o) => `${o.label} (${o.value})`).join(', ')
  if (byLabel.length > 1)
    throw new ConversionError(
      `'${display(raw)}' matches more than one choice; use its value: ${labels}`
    )
  throw new ConversionError(`'${display(raw)}' is not one of the choices: ${labels}`)
}

/** Wall-clock time in a zone → UTC instant, without a time-zone library (Intl knows the offsets). */
function zonedToUtc(parts: number[], timeZone: string): number {
  const [y, mo, d, h = 0, mi = 0, s = 0] = parts as [
    number,
    number,
    number,
    number?,
    number?,
    number?
  ]
  const guess = Date.UTC(y, mo - 1, d, h, mi, s)
  const offsetAt = (ms: number): number => {
    const f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric'
    })
    const p = Object.fromEntries(
      f.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)])
    )
    return (
      Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!) - ms
    )
  }
  const first = guess - offsetAt(guess)
  return guess - offsetAt(first)
}

const iso = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

function toDate(raw: unknown, dateOnly: boolean, timeZone: string): string | undefined {
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return undefined
    return dateOnly ? raw.toISOString().slice(0, 10) : iso(raw.getTime())
  }
  const text = String(raw).trim()
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text
    )
  if (!m) return undefined
  const parts = m
    .slice(1, 7)
    .filter((p) => p !== undefined)
    .map(Number)
  const [y, mo, d] = parts as [number, number, number]
  const check = new Date(Date.UTC(y, mo - 1, d))
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined
  if (dateOnly) return `${m[1]}-${m[2]}-${m[3]}`
  if (m[7]) {
    const ms = Date.parse(
      `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${m[7] === 'Z' ? 'Z' : m[7].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`
    )
    return Number.isNaN(ms) ? undefined : iso(ms)
  }
  try {
    return iso(zonedToUtc(parts, timeZone))
  } catch {
    throw new ConversionError(
      `the time zone '${timeZone}' is not known (use an IANA name such as Europe/Berlin)`
    )
  }
}

function display(raw: unknown): string {
  const text =
    raw instanceof Date
      ? raw.toISOString()
      : typeof raw === 'object'
        ? JSON.stringify(raw)
        : String(raw)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

/** Whether a mirrored value and a converted value are the same for this column. */
export function sameValue(column: ColumnInfo, mirrored: unknown, converted: unknown): boolean {
  const a = mirrored ?? null
  const b = converted ?? null
  if (a === null || b === null) return a === b
  if (typeof a === 'number' && typeof b === 'number') {
    // Money and decimals are stored rounded (Money to 4 places); compare at that precision.
    return Math.abs(a - b) < (column.type === 'Double' ? 1e-9 * Math.max(1, Math.abs(a)) : 5e-5)
  }
  if (column.type === 'DateTime' && typeof a === 'string' && typeof b === 'string') {
    return column.dateOnly ? a.slice(0, 10) === b.slice(0, 10) : Date.parse(a) === Date.parse(b)
  }
  if (
    typeof a === 'string' &&
    typeof b === 'string' &&
    /^[0-9a-f-]{36}$/i.test(a) &&
    /^[0-9a-f-]{36}$/i.test(b)
  ) {
    return a.toLowerCase() === b.toLowerCase()
  }
  return a === b
}
