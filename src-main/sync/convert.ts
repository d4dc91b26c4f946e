import type { ColumnInfo } from '../../src-shared/model/metadata'
import { readNumber } from './convert-number'

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
    case 'BigInt':
    case 'Decimal':
    case 'Money':
    case 'Double': {
      const read = readNumber(column, raw, options.decimalSeparator)
      if ('error' in read) throw new ConversionError(read.error)
      return read.value
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

/**
 * Dataverse's date range: "All date and time columns in Dataverse support values as early as
 * 1/1/1753 12:00 AM" (learn.microsoft.com/power-apps/developer/data-platform/
 * behavior-format-date-time-attribute), up to DateTimeAttributeMetadata.MaxSupportedValue,
 * 12/31/9999 11:59:59 PM (the SQL datetime range, [MC-CSDL] 2.2.1.4 DateTime). Outside it a value
 * is a row error here rather than a failure at apply (and year 0000 is not read as 1900, as
 * Date.UTC does with years below 100).
 */
const EARLIEST = Date.UTC(1753, 0, 1)
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59)
const RANGE = '1753-01-01 to 9999-12-31, the range Dataverse stores'

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December'
]

/**
 * A date or date-time, or undefined when the text has no such shape. A value with that shape
 * but no such day or time (2026-02-30, T99:99:99, 24:00) is refused, never rolled over into
 * another day; so is one outside Dataverse's range.
 */
function toDate(raw: unknown, dateOnly: boolean, timeZone: string): string | undefined {
  if (raw instanceof Date) {
    const ms = raw.getTime()
    if (Number.isNaN(ms)) return undefined
    if (ms < EARLIEST || ms > LATEST + 999)
      throw new ConversionError(`'${display(raw)}' is outside ${RANGE}`)
    return dateOnly ? raw.toISOString().slice(0, 10) : iso(ms)
  }
  const text = String(raw).trim()
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text
    )
  if (!m) return undefined
  const [y, mo, d, h = 0, mi = 0, s = 0] = m
    .slice(1, 7)
    .map((p) => (p === undefined ? undefined : Number(p))) as [
    number,
    number,
    number,
    number?,
    number?,
    number?
  ]
  if (mo < 1 || mo > 12)
    throw new ConversionError(`'${display(raw)}' has no month ${m[2]} (months are 01–12)`)
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate() - (mo === 2 && !leap(y) ? 1 : 0)
  if (d < 1 || d > days)
    throw new ConversionError(
      `'${display(raw)}' is not a date: ${MONTHS[mo - 1]} ${m[1]} has ${days} days`
    )
  // Hour 24 (ISO 8601's "end of day") is refused too: it is the next day's 00:00, and saying so
  // is clearer than moving the row to another date.
  if (h > 23 || mi > 59 || s > 59)
    throw new ConversionError(
      `'${display(raw)}' has no such time of day (hours 00–23, minutes and seconds 00–59; write midnight as 00:00 of the next day)`
    )
  if (dateOnly) {
    if (y < 1753) throw new ConversionError(`'${display(raw)}' is outside ${RANGE}`)
    return `${m[1]}-${m[2]}-${m[3]}`
  }
  let ms: number
  if (m[7]) {
    const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(m[7])
    if (offset && (Number(offset[2]) > 14 || Number(offset[3]) > 59))
      throw new ConversionError(`'${display(raw)}' has no such time-zone offset (${m[7]})`)
    const sign = offset?.[1] === '-' ? -1 : 1
    const minutes = offset ? sign * (Number(offset[2]) * 60 + Number(offset[3])) : 0
    // Date.UTC takes the year as given only from 100 on; the range check below refuses the rest.
    ms = Date.UTC(y, mo - 1, d, h, mi, s) - minutes * 60_000
  } else {
    try {
      ms = zonedToUtc([y, mo, d, h, mi, s], timeZone)
    } catch {
      throw new ConversionError(
        `the time zone '${timeZone}' is not known (use an IANA name such as Europe/Berlin)`
      )
    }
  }
  if (y < 1753 || ms < EARLIEST || ms > LATEST)
    throw new ConversionError(`'${display(raw)}' is outside ${RANGE} (in UTC)`)
  return iso(ms)
}

const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

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
