import type { EncodingBasis } from './encoding-fit'

/**
 * The shapes every row source shares. A source is read again from the start by each call to
 * rows(), so a preview, a plan and an apply can each stream the same file without keeping it.
 */

export type SourceFormat = 'csv' | 'json' | 'ndjson' | 'xlsx' | 'mirror'

/**
 * What a source found wrong with one row whose boundaries are still certain (see README.md,
 * "Errors"): the planner reports it as a row error and never writes the row.
 */
export interface SourceRowError {
  code:
    | 'field-count' // CSV: more or fewer fields than the header
    | 'invalid-json' // NDJSON: the line is not JSON
    | 'not-an-object' // JSON item or NDJSON line that is not an object
    | 'cell-error' // XLSX: the cell holds an error such as #N/A
    | 'formula-without-result' // XLSX: a formula whose result was never saved
    | 'unnamed-column' // XLSX: a value in a column whose header cell is empty
  message: string
  /** The column concerned, when there is one (header name, or a letter for XLSX). */
  column?: string
}

export interface SourceRow {
  /** 1-based data row as the user counts them: the header is not a row, blank lines are skipped. */
  row: number
  /** Where to look in the file: "line 17", "sheet 'Products' row 18", "item 42", "record <id>". */
  location: string
  /**
   * CSV: every header column, as text ('' for an empty field). XLSX: every header column, null for
   * an empty cell. JSON/NDJSON and mirror: the object as it is, nested values included.
   * In an error row: what could be read, for display only.
   */
  values: Record<string, unknown>
  /** Set on a row the source could not read correctly; such a row must never be applied. */
  error?: SourceRowError
}

export interface SourceDescription {
  format: SourceFormat
  /**
   * Column names: the header (CSV, XLSX), the keys of the first rows in order of appearance
   * (JSON, NDJSON: a later row may have more) or the mirror's columns.
   */
  columns: string[]
  /** CSV, JSON, NDJSON: the WHATWG name of the encoding read ('utf-8', 'windows-1252', …). */
  encoding?: string
  /**
   * CSV, JSON, NDJSON: how the encoding was chosen — given, by a byte-order mark, because the first
   * non-ASCII bytes are (or are not) valid UTF-8, or UTF-8 because the first 64 KB are ASCII.
   */
  encodingBasis?: EncodingBasis
  /** Doubts about how the file was read (bytes that do not fit the encoding): shown, not fatal. */
  warnings?: string[]
  /** CSV: the field delimiter. */
  delimiter?: string
  /** XLSX: the sheet read, and every sheet of the workbook in tab order. */
  sheet?: string
  sheets?: string[]
}

export interface ReadOptions {
  /** Aborting stops reading promptly: the iteration rejects with the signal's reason. */
  signal?: AbortSignal
}

export interface RowSource {
  describe(): Promise<SourceDescription>
  /** Every row, streamed; rows already yielded are never held. */
  rows(options?: ReadOptions): AsyncIterable<SourceRow>
  /** The first `count` rows (error rows included), reading no further than needed. */
  preview(count: number, options?: ReadOptions): Promise<SourceRow[]>
}

export interface FileSourceOptions {
  /** Otherwise from the extension. */
  format?: Exclude<SourceFormat, 'mirror'>
  /** CSV: ',' ';' '\t' '|' or any single character; otherwise detected. */
  delimiter?: string
  /** CSV, JSON, NDJSON: a WHATWG encoding label; otherwise detected (BOM, UTF-8, windows-1252). */
  encoding?: string
  /** XLSX: the sheet's name; the first sheet (tab order) otherwise. */
  sheet?: string
  /** CSV, XLSX: false when the first row is data (columns are then column1… or A, B, …). */
  hasHeader?: boolean
}
