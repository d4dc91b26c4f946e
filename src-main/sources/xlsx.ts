import { createReadStream } from 'node:fs'
import ExcelJS from 'exceljs'
import { SourceError } from './errors'
import { checkFile, closeStream } from './file'
import { checkHeader } from './header'
import { firstRows } from './rows'
import type { FileSourceOptions, ReadOptions, RowSource, SourceRow, SourceRowError } from './types'
import { columnLetter, headerText, readCell } from './xlsx-cells'

/**
 * One sheet of an XLSX workbook, streamed with exceljs's WorkbookReader: rows are parsed from the
 * sheet's XML as it is unzipped. Shared strings (all of the workbook's text) are held in memory,
 * which the format requires; and when a file stores its sheets before the shared strings (as
 * Excel itself does) exceljs parks each sheet in a temporary file until the strings are read, so
 * the first row then comes after the whole file was unzipped — still without holding it in memory.
 */

interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string
}
interface Workbook {
  model?: { sheets?: { name: string }[] }
}

export function xlsxSource(file: string, options: FileSourceOptions): RowSource {
  const hasHeader = options.hasHeader ?? true

  /** The chosen sheet's rows, with its name and the workbook's sheets in tab order. */
  async function* sheetRows(signal?: AbortSignal) {
    await checkFile(file)
    const stream = createReadStream(file, { signal })
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
      sharedStrings: 'cache',
      styles: 'cache', // number formats tell dates from numbers
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'ignore'
    })
    try {
      for await (const worksheet of reader as AsyncIterable<SheetReader>) {
        const sheets = ((reader as Workbook).model?.sheets ?? []).map((s) => s.name)
        const sheet = chooseSheet(file, sheets, options.sheet)
        if (worksheet.name !== sheet) continue // left unread: exceljs drains it
        for await (const row of worksheet) {
          signal?.throwIfAborted()
          yield { sheet, sheets, row }
        }
        return
      }
      chooseSheet(
        file,
        ((reader as Workbook).model?.sheets ?? []).map((s) => s.name),
        options.sheet
      )
    } catch (err) {
      throw explain(err, file)
    } finally {
      await closeStream(stream)
    }
  }

  async function* rows(read: ReadOptions = {}): AsyncGenerator<SourceRow> {
    let header: string[] | undefined
    let count = 0
    for await (const { sheet, row } of sheetRows(read.signal)) {
      const cells = cellsOf(row)
      if (cells.every(isEmpty)) continue
      const location = `sheet '${sheet}' row ${row.number}`
      if (!header) {
        header = readHeader(cells, sheet, row.number)
        if (hasHeader) continue
      }
      count += 1
      yield toRow(cells, header, hasHeader, count, location, row.number)
    }
  }

  function readHeader(cells: unknown[], sheet: string, number: number): string[] {
    if (!hasHeader) return cells.map((_, i) => columnLetter(i + 1))
    // Formatted but empty cells after the last name are not columns.
    const named = cells.slice(0, cells.findLastIndex((v) => !isEmpty(v)) + 1)
    const names = named.map((v, i) => headerText(v, `${columnLetter(i + 1)}${number}`))
    return checkHeader(
      names,
      file,
      `sheet '${sheet}' row ${number}`,
      (i) => `column ${columnLetter(i + 1)}`
    )
  }

  return {
    async describe() {
      for await (const { sheet, sheets, row } of sheetRows()) {
        const cells = cellsOf(row)
        if (cells.every(isEmpty)) continue
        return { format: 'xlsx', columns: readHeader(cells, sheet, row.number), sheet, sheets }
      }
      return { format: 'xlsx', columns: [] }
    },
    rows,
    preview: (count, read) => firstRows(rows(read), count)
  }
}

/** Cell values from column A on, holes (absent cells) as undefined. */
const cellsOf = (row: ExcelJS.Row): unknown[] => Array.from(row.values as unknown[]).slice(1)

const isEmpty = (value: unknown): boolean => value === null || value === undefined || value === ''

function toRow(
  cells: unknown[],
  header: string[],
  hasHeader: boolean,
  row: number,
  location: string,
  number: number
): SourceRow {
  const values: Record<string, unknown> = {}
  let error: SourceRowError | undefined
  for (const name of header) values[name] = null
  for (const [index, cell] of cells.entries()) {
    const address = `${columnLetter(index + 1)}${number}`
    const read = readCell(cell, address)
    // Without a header every column has a name: its letter, however wide a later row is.
    const name = header[index] ?? (hasHeader ? undefined : columnLetter(index + 1))
    if ('error' in read) error ??= { ...read.error, column: name ?? columnLetter(index + 1) }
    else if (name !== undefined) values[name] = read.value
    else if (read.value !== null && read.value !== '')
      error ??= {
        code: 'unnamed-column',
        column: columnLetter(index + 1),
        message: `cell ${address} has a value but column ${columnLetter(index + 1)} has no header: give the column a name, or clear the cell.`
      }
  }
  return error ? { row, location, values, error } : { row, location, values }
}

function chooseSheet(file: string, sheets: string[], wanted: string | undefined): string {
  if (wanted === undefined) {
    if (sheets[0] !== undefined) return sheets[0]
    throw new SourceError('missing-sheet', { source: file }, 'the workbook has no sheets.')
  }
  const found =
    sheets.find((s) => s === wanted) ?? sheets.find((s) => s.toLowerCase() === wanted.toLowerCase())
  if (found !== undefined) return found
  throw new SourceError(
    'missing-sheet',
    { source: file },
    `there is no sheet '${wanted}'; the workbook's sheets are ${sheets.map((s) => `'${s}'`).join(', ') || '(none)'}: give one of these names.`
  )
}

function explain(err: unknown, file: string): unknown {
  if (err instanceof SourceError || (err instanceof Error && err.name === 'AbortError')) return err
  return new SourceError(
    'unreadable-file',
    { source: file },
    `this is not a readable XLSX workbook (${err instanceof Error ? err.message : String(err)}): save it from Excel as "Excel Workbook (*.xlsx)" — an old .xls file must be saved again as .xlsx.`,
    { cause: err }
  )
}
