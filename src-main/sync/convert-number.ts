import type { ColumnInfo } from '../../src-shared/model/metadata'

/**
 * Numbers from a source, strictly: a value is either the number the user wrote, or a reason it
 * can't be one. Nothing is rounded, clamped, overflowed to ±Infinity (which JSON writes as null,
 * clearing the column) or regrouped by dropping separators (`12.50` under a decimal comma is not
 * 1250).
 *
 * Limits per type are Dataverse's own, used when the column's metadata says nothing narrower:
 * - Integer ±2,147,483,647 (IntegerAttributeMetadata Min/MaxSupportedValue);
 * - BigInt ±9,223,372,036,854,775,807 (BigIntAttributeMetadata), though only whole numbers up to
 *   2^53 − 1 can be carried exactly here;
 * - Decimal ±100,000,000,000 with at most 10 decimal places (DecimalAttributeMetadata
 *   MaxSupportedValue, MaxSupportedPrecision);
 * - Money ±922,337,203,685,477 with at most 4 decimal places (MoneyAttributeMetadata
 *   MaxSupportedValue = 922337203685477, MaxSupportedPrecision = 4);
 * - Double ±100,000,000,000 (DoubleAttributeMetadata MaxSupportedValue).
 * Source: learn.microsoft.com/dotnet/api/microsoft.xrm.sdk.metadata.<type>attributemetadata
 * (the MinSupportedValue/MaxSupportedValue/MaxSupportedPrecision fields).
 */

export type NumberColumnType = 'Integer' | 'BigInt' | 'Decimal' | 'Money' | 'Double'

interface TypeLimits {
  min: number
  max: number
  /** Decimal places the type can keep; undefined: not checked (Double is approximate anyway). */
  places?: number
}

export const TYPE_LIMITS: Record<NumberColumnType, TypeLimits> = {
  Integer: { min: -2_147_483_648, max: 2_147_483_647, places: 0 },
  // ±(2^63 − 1), as near as a double gets; exactness stops far below it (see readNumber).
  BigInt: { min: -(2 ** 63), max: 2 ** 63, places: 0 },
  Decimal: { min: -100_000_000_000, max: 100_000_000_000, places: 10 },
  Money: { min: -922_337_203_685_477, max: 922_337_203_685_477, places: 4 },
  Double: { min: -100_000_000_000, max: 100_000_000_000 }
}

/** Spaces that group digits (plain, no-break, narrow no-break, thin), as a character-class part. */
const ESCAPED_SPACES = '\\u0020\\u00a0\\u202f\\u2009'

export type NumberResult = { value: number } | { error: string }

/**
 * Reads `raw` for a number column. Text: an optional sign, digits that are either ungrouped or
 * grouped in threes after a first group of 1–3 by one grouping character (the other mark, a
 * space or an apostrophe), an optional fraction after the decimal mark, an optional exponent.
 */
export function readNumber(
  column: Pick<ColumnInfo, 'type' | 'minValue' | 'maxValue' | 'precision'>,
  raw: unknown,
  decimalSeparator: '.' | ','
): NumberResult {
  const type = column.type as NumberColumnType
  const limits = TYPE_LIMITS[type] ?? TYPE_LIMITS.Double
  let value: number
  /** The decimal digits the user wrote (or saw, for a binary double). */
  let written: { digits: string; exponent: number }
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw))
      return {
        error: `'${raw}' is not a finite number (the value overflows); write a number within ${range(type, column)}`
      }
    value = raw
    // A binary double (JSON, an Excel cell) carries noise past its 15th digit (11.9 may be
    // 11.900000000000001): its decimal places are those of the value a person saw.
    written = canonical(String(Number(raw.toPrecision(15))))
  } else if (typeof raw === 'string') {
    const plain = ungroup(raw.trim(), decimalSeparator)
    if (plain === undefined) return { error: notANumber(raw, decimalSeparator) }
    value = Number(plain)
    written = canonical(plain)
  } else {
    return { error: `'${shown(raw)}' is not a number` }
  }
  if (!Number.isFinite(value))
    return {
      error: `'${shown(raw)}' is too large to be a number (it overflows); the column holds ${range(type, column)}`
    }
  const places = Math.max(0, -written.exponent)
  if (limits.places === 0 && places > 0) return { error: `'${shown(raw)}' is not a whole number` }
  const keeps = type === 'Decimal' ? (column.precision ?? limits.places) : limits.places
  if (keeps !== undefined && places > keeps)
    return {
      error: `'${shown(raw)}' has ${places} decimal places; the column keeps ${keeps}: round it in the source (Dataverse would round it without a word)`
    }
  // A fraction too small for a double becomes 0, a long mantissa loses its last digits: only a
  // value that goes out with the digits written is sent (Double is approximate by nature).
  const sent = canonical(String(value))
  const lost =
    (limits.places === 0 && !Number.isSafeInteger(value)) ||
    (type === 'Double'
      ? value === 0 && written.digits !== '0'
      : typeof raw === 'string' &&
        (sent.digits !== written.digits || sent.exponent !== written.exponent))
  if (lost)
    return {
      error: `'${shown(raw)}' has more digits than can be carried exactly (at most 15 significant digits, whole numbers up to 9,007,199,254,740,991)`
    }
  const min = column.minValue ?? limits.min
  const max = column.maxValue ?? limits.max
  if (value < min || value > max)
    return { error: `'${shown(raw)}' is outside the column's range: ${range(type, column)}` }
  return { value: Object.is(value, -0) ? 0 : value }
}

/** The text without grouping, with '.' as decimal mark; undefined when it is not a number. */
function ungroup(text: string, decimalSeparator: '.' | ','): string | undefined {
  const mark = decimalSeparator === ',' ? ',' : '\\.'
  const other = decimalSeparator === ',' ? '\\.' : ','
  const match = new RegExp(
    `^([+-]?)(\\d+|\\d{1,3}(?:([${other}'${ESCAPED_SPACES}])\\d{3})(?:\\3\\d{3})*)?(?:${mark}(\\d*))?(?:[eE]([+-]?\\d+))?$`
  ).exec(text)
  if (!match) return undefined
  const [, sign, whole = '', , fraction, exponent] = match
  const digits = whole.replace(new RegExp(`[${other}'${ESCAPED_SPACES}]`, 'g'), '')
  // "." alone, "-", "e5": no digits at all.
  if (digits === '' && (fraction === undefined || fraction === '')) return undefined
  return `${sign}${digits || '0'}${fraction ? `.${fraction}` : ''}${exponent !== undefined ? `e${exponent}` : ''}`
}

/** The digits and power of ten a decimal text stands for: 12.50 → 125e-1, 1e3 → 1e3, 0 → 0e0. */
function canonical(text: string): { digits: string; exponent: number } {
  const m = /^[+-]?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text)
  if (!m) return { digits: text, exponent: 0 }
  const [, whole = '', fraction = '', exp = '0'] = m
  let digits = (whole + fraction).replace(/^0+/, '')
  let exponent = Number(exp) - fraction.length
  if (digits === '') return { digits: '0', exponent: 0 }
  const trailing = /0*$/.exec(digits)![0].length
  digits = digits.slice(0, digits.length - trailing)
  exponent += trailing
  return { digits, exponent }
}

function notANumber(raw: string, decimalSeparator: '.' | ','): string {
  const text = raw.trim()
  if (decimalSeparator === ',') {
    return text.includes('.')
      ? `'${shown(raw)}' is not a number written with a decimal comma (12,5 or 1.234,5): a dot may only separate thousands, in groups of three digits (1.234.567); correct it, or read the file with a decimal point`
      : `'${shown(raw)}' is not a number (with a decimal comma, as 12,5 or 1.234,5)`
  }
  return text.includes(',')
    ? `'${shown(raw)}' is not a number written with a decimal point (12.5 or 1,234.5): a comma may only separate thousands, in groups of three digits (1,234,567); if the file uses a decimal comma, read it with one (--decimal-comma)`
    : `'${shown(raw)}' is not a number (with a decimal point, as 12.5 or 1,234.5)`
}

const format = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 10 })

function range(type: NumberColumnType, column: Pick<ColumnInfo, 'minValue' | 'maxValue'>): string {
  const limits = TYPE_LIMITS[type] ?? TYPE_LIMITS.Double
  return `${format(column.minValue ?? limits.min)} to ${format(column.maxValue ?? limits.max)}`
}

function shown(raw: unknown): string {
  const text = typeof raw === 'object' ? JSON.stringify(raw) : String(raw)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}
