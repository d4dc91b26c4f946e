import type { SourceRowError } from './types'

/**
 * What an exceljs cell value becomes in a row. Plain JSON values only (string, number, boolean,
 * null), like every other source, so rows survive IPC and the mapper converts all formats alike.
 *
 * Dates become ISO text without a zone: an Excel date is a wall-clock reading with no time zone
 * (exceljs hands it over as a Date whose UTC fields hold that reading), so '2024-03-05' or
 * '2024-03-05T14:30:00' is what was typed, and the mapper applies the profile's time zone.
 * Formulas are read by their cached result, as Excel shows them.
 */
export type CellResult =
  { value: string | number | boolean | null } | { error: Pick<SourceRowError, 'code' | 'message'> }

export function readCell(value: unknown, address: string): CellResult {
  if (value === null || value === undefined) return { value: null }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return { value }
  if (value instanceof Date) return { value: wallClock(value) }
  if (typeof value !== 'object') return { value: String(value) }
  const cell = value as Record<string, unknown>
  if ('formula' in cell || 'sharedFormula' in cell) {
    if (cell.result === undefined || cell.result === null)
      return {
        error: {
          code: 'formula-without-result',
          message: `cell ${address} has a formula without a stored result (never calculated, or an error such as #DIV/0!): correct the formula if needed, then save the file in Excel so the results are stored.`
        }
      }
    return readCell(cell.result, address)
  }
  if ('error' in cell)
    return {
      error: {
        code: 'cell-error',
        message: `cell ${address} holds the error ${String(cell.error)}: correct the cell or its formula.`
      }
    }
  if (Array.isArray(cell.richText))
    return { value: (cell.richText as { text?: string }[]).map((r) => r.text ?? '').join('') }
  if ('text' in cell) return readCell(cell.text, address) // a hyperlink: its text
  return { value: JSON.stringify(value) }
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
export function headerText(value: unknown, address: string): string {
  const read = readCell(value, address)
  return 'value' in read && read.value !== null ? String(read.value) : ''
}
