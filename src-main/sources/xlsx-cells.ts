import type { SourceRowError } from './types'
import type { RawCell } from './xlsx-reader'
import type { Workbook } from './xlsx-workbook'

/**
 * What a stored cell becomes in a row. Plain JSON values only (string, number, boolean,
 * null), like every other source, so rows survive IPC and the mapper converts all formats alike.
 *
 * Dates (numbers in a date-formatted style) become ISO text without a zone: an Excel date is a
 * wall-clock reading with no time zone, so '2024-03-05' or
 * '2024-03-05T14:30:00' is what was typed, and the mapper applies the profile's time zone.
 * Formulas are read by their cached result, as Excel shows them.
 */
export type CellResult =
  { value: string | number | boolean | null } | { error: Pick<SourceRowError, 'code' | 'message'> }

export const EMPTY: CellResult = { value: null }

export function readCell(raw: RawCell | undefined, address: string, book: Workbook): CellResult {
  if (!raw) return EMPTY
  if (raw.formula && raw.value === undefined)
    return {
      error: {
        code: 'formula-without-result',
        message: `cell ${address} has a formula whose result was never saved: open the file in Excel and save it, so the results are stored.`
      }
    }
  const value = raw.value
  switch (raw.type) {
    case 's': {
      const text = book.sharedStrings[Number(value)]
      if (text !== undefined) return { value: text }
      return {
        error: {
          code: 'cell-error',
          message: `cell ${address} refers to shared string ${value ?? '(none)'}, which the file does not have: save the file again in Excel.`
        }
      }
    }
    case 'inlineStr':
      return { value: raw.inline ?? value ?? '' }
    case 'str':
      return { value: value ?? '' }
    case 'b':
      return { value: value === '1' || value === 'true' }
    case 'e':
      return {
        error: {
          code: 'cell-error',
          message: `cell ${address} holds the error ${value ?? '(unknown)'}: correct the cell or its formula.`
        }
      }
    case 'd': // an ISO 8601 date cell (strict Open XML): already text, kept as wall-clock
      return { value: value ? value.replace(/Z$/, '').replace(/T00:00:00(\.0+)?$/, '') : null }
    default: {
      if (value === undefined || value.trim() === '') return EMPTY
      const number = Number(value)
      // A number cell is whatever Excel wrote as a number; 'abc' or 1e999 is a damaged file,
      // and NaN would reach the row as null (JSON), a value silently lost.
      if (!Number.isFinite(number))
        return {
          error: {
            code: 'cell-error',
            message: `cell ${address} should hold a number but holds '${value.slice(0, 40)}': correct the cell in Excel and save the file again.`
          }
        }
      if (!book.dateStyles[raw.style]) return { value: number }
      const epoch = book.date1904 ? 24107 : 25569 // days from Excel's day 0 to 1970-01-01
      const date = new Date(Math.round((number - epoch) * 86_400_000))
      if (Number.isNaN(date.getTime()))
        return {
          error: {
            code: 'cell-error',
            message: `cell ${address} is formatted as a date but its value ${value} is no date Excel can show: correct the cell or its format.`
          }
        }
      return { value: wallClock(date) }
    }
  }
}

/** The Date's UTC fields as ISO text: the date alone when there is no time of day. */
export function wallClock(date: Date): string {
  // Serial numbers are floats: 14:30 may arrive as 14:29:59.999. Snap to the second when that close.
  let ms = date.getTime()
  const second = Math.round(ms / 1000) * 1000
  if (Math.abs(ms - second) <= 1) ms = second
  const iso = new Date(ms).toISOString() // 2024-03-05T14:30:00.000Z
  if (iso.endsWith('T00:00:00.000Z')) return iso.slice(0, 10)
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23)
}

/** 1 → 'A', 27 → 'AA'. */
export function columnLetter(column: number): string {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}

/** A header cell as a name: text, or a number/date/formula result written as text. */
export function headerText(result: CellResult): string {
  return 'value' in result && result.value !== null ? String(result.value) : ''
}
