import { checkHeader } from './header'
import { firstRows } from './rows'
import type { FileSourceOptions, ReadOptions, RowSource, SourceRow, SourceRowError } from './types'
import { columnLetter, headerText, readCell, type CellResult } from './xlsx-cells'
import { sheetRows, type SheetRow } from './xlsx-reader'

/**
 * One sheet of an XLSX workbook as rows: the header row, cell values (xlsx-cells.ts) and the
 * error rows; the streaming itself is xlsx-reader.ts. The first non-empty row is the header, and
 * empty rows hold no data, so they are no rows.
 */
export function xlsxSource(file: string, options: FileSourceOptions): RowSource {
  const hasHeader = options.hasHeader ?? true

  async function* rows(read: ReadOptions = {}): AsyncGenerator<SourceRow> {
    let header: string[] | undefined
    let count = 0
    for await (const row of sheetRows(file, options.sheet, read.signal)) {
      const cells = cellsOf(row)
      if (cells.every(isEmpty)) continue
      if (!header) {
        header = readHeader(cells, row)
        if (hasHeader) continue
      }
      count += 1
      yield toRow(cells, header, hasHeader, count, row)
    }
  }

  function readHeader(cells: CellResult[], row: SheetRow): string[] {
    if (!hasHeader) return cells.map((_, i) => columnLetter(i + 1))
    // Formatted but empty cells after the last name are not columns.
    const named = cells.slice(0, cells.findLastIndex((c) => !isEmpty(c)) + 1)
    return checkHeader(
      named.map(headerText),
      file,
      `sheet '${row.sheet}' row ${row.number}`,
      (i) => `column ${columnLetter(i + 1)}`
    )
  }

  return {
    async describe() {
      let chosen: { sheet?: string; sheets?: string[] } = {}
      const found = (sheet: string, sheets: string[]) => (chosen = { sheet, sheets })
      for await (const row of sheetRows(file, options.sheet, undefined, found)) {
        const cells = cellsOf(row)
        if (cells.every(isEmpty)) continue
        return { format: 'xlsx', columns: readHeader(cells, row), ...chosen }
      }
      // An empty sheet (often a cover sheet first): no columns, but the sheets to choose from.
      return { format: 'xlsx', columns: [], ...chosen }
    },
    rows,
    preview: (count, read) => firstRows(rows(read), count)
  }
}

/** Every cell from column A to the row's last, read; absent cells are empty. */
function cellsOf(row: SheetRow): CellResult[] {
  return Array.from(row.cells, (raw, i) =>
    readCell(raw, `${columnLetter(i + 1)}${row.number}`, row.workbook)
  )
}

const isEmpty = (cell: CellResult): boolean =>
  'value' in cell && (cell.value === null || cell.value === '')

function toRow(
  cells: CellResult[],
  header: string[],
  hasHeader: boolean,
  row: number,
  sheetRow: SheetRow
): SourceRow {
  const values: Record<string, unknown> = {}
  let error: SourceRowError | undefined
  for (const name of header) values[name] = null
  for (const [index, cell] of cells.entries()) {
    // Without a header every column has a name: its letter, however wide a later row is.
    const name = header[index] ?? (hasHeader ? undefined : columnLetter(index + 1))
    if ('error' in cell) error ??= { ...cell.error, column: name ?? columnLetter(index + 1) }
    else if (name !== undefined) values[name] = cell.value
    else if (!isEmpty(cell))
      error ??= {
        code: 'unnamed-column',
        column: columnLetter(index + 1),
        message: `cell ${columnLetter(index + 1)}${sheetRow.number} has a value but column ${columnLetter(index + 1)} has no header: give the column a name, or clear the cell.`
      }
  }
  const location = `sheet '${sheetRow.sheet}' row ${sheetRow.number}`
  return error ? { row, location, values, error } : { row, location, values }
}
