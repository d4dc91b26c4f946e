import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { stringify } from 'csv-stringify'
import { safeCsvCell } from './csv-cell'

export interface CsvWriter {
  /** One record; every cell goes through safeCsvCell. Waits when the file can't keep up. */
  row(cells: readonly unknown[]): Promise<void>
  /**
   * Ends the CSV and waits until the last record is in `out` and `out` has finished. Only then
   * may the file be renamed into place: the stringifier buffers records, and a file closed
   * before it has flushed loses its last rows (issue 19: 20,000 changes exported as 19,977).
   */
  end(): Promise<void>
}

/**
 * The one way the product writes CSV: UTF-8 with a BOM (so Excel reads accents right), formula
 * cells neutralised, back-pressure honoured, and an end that waits for the whole file.
 */
export function csvWriter(out: Writable, options: { header?: readonly string[] } = {}): CsvWriter {
  const csv = stringify({ bom: true })
  const finished = once(out, 'finish')
  // A write error on the file rejects `finished`; keep it from being an unhandled rejection
  // before end() is awaited (the same error then surfaces from end() or from the next row()).
  finished.catch(() => undefined)
  csv.pipe(out)
  const write = async (cells: readonly unknown[]): Promise<void> => {
    if (!csv.write(cells.map(safeCsvCell))) await once(csv, 'drain')
  }
  let headerWritten = options.header === undefined
  const writeHeader = async (): Promise<void> => {
    if (headerWritten) return
    headerWritten = true
    await write(options.header!)
  }
  return {
    async row(cells) {
      await writeHeader()
      await write(cells)
    },
    async end() {
      await writeHeader()
      csv.end()
      await finished
    }
  }
}
