import { SourceError } from './errors'
import { checkFile } from './file'
import { readWorkbook, type Workbook } from './xlsx-workbook'
import { streamXml, type XmlHandler } from './xml'
import { openZip, type Zip } from './zip'

/**
 * The rows of one sheet, streamed: the zip is opened by its central directory, the workbook
 * parts a sheet depends on are read first, then the sheet's XML is parsed as it is inflated and
 * its rows are handed on chunk by chunk. Nothing is unzipped to disk; memory holds the shared
 * strings and the rows of one chunk.
 *
 * Why not exceljs's streaming WorkbookReader (4.4): it reads the zip in stored order, so with
 * Excel's order it parks every sheet in a temporary file first (left behind by a preview until
 * the process exits), a skipped sheet's file is deleted before its stream opens it (an unhandled
 * ENOENT), sheets are unnamed when relationship targets are absolute (openpyxl), shared strings
 * or the workbook can be missed when stored last (exceljs issue 3064), and formula results lose
 * their type (booleans become 1, errors NaN). Each of those turns a sheet into wrong data.
 */

/** A cell as stored: `type` is the t attribute ('s', 'str', 'inlineStr', 'b', 'e', 'd', 'n'). */
export interface RawCell {
  column: number
  type: string
  style: number
  /** The text of <v>, if any. */
  value: string | undefined
  /** The text of an inline string (<is>). */
  inline: string | undefined
  formula: boolean
}

export interface SheetRow {
  sheet: string
  /** Every sheet of the workbook, in tab order. */
  sheets: string[]
  /** The row number as Excel shows it. */
  number: number
  /** By column (A = 0); absent cells are holes. */
  cells: (RawCell | undefined)[]
  workbook: Workbook
}

export async function* sheetRows(
  file: string,
  wanted: string | undefined,
  signal: AbortSignal | undefined,
  /** Told the sheet chosen before any row, so an empty sheet still names the workbook's sheets. */
  onSheet?: (sheet: string, sheets: string[]) => void
): AsyncGenerator<SheetRow> {
  await checkFile(file)
  signal?.throwIfAborted()
  let zip: Zip
  try {
    zip = await openZip(file)
  } catch (err) {
    throw explain(err, file)
  }
  try {
    const workbook = await readWorkbook(zip)
    const sheets = workbook.sheets.map((s) => s.name)
    const sheet = chooseSheet(file, sheets, wanted)
    const { part, worksheet } = workbook.sheets.find((s) => s.name === sheet)!
    if (!worksheet || !part || !zip.has(part))
      throw new SourceError(
        'missing-sheet',
        { source: file },
        `the sheet '${sheet}' has no cells (a chart sheet, or a part missing from the file): choose a sheet with the data.`
      )
    onSheet?.(sheet, sheets)
    const reader = new SheetReader()
    for await (const _ of streamXml(await zip.open(part), reader, signal)) {
      for (const row of reader.take()) {
        signal?.throwIfAborted()
        yield { sheet, sheets, number: row.number, cells: row.cells, workbook }
      }
    }
  } catch (err) {
    throw explain(err, file)
  } finally {
    await zip.close()
  }
}

/** <sheetData>'s rows and cells, collected as the XML streams by. */
class SheetReader implements XmlHandler {
  private ready: { number: number; cells: (RawCell | undefined)[] }[] = []
  private row: (RawCell | undefined)[] | undefined
  private number = 0
  private lastColumn = 0
  private cell: RawCell | undefined
  private collecting: 'value' | 'inline' | undefined
  private inInline = false
  private inPhonetic = false

  take(): { number: number; cells: (RawCell | undefined)[] }[] {
    const rows = this.ready
    this.ready = []
    return rows
  }

  open(name: string, a: Record<string, string>): void {
    if (name === 'row') {
      this.number = a.r ? Number(a.r) : this.number + 1
      if (!Number.isInteger(this.number) || this.number < 1 || this.number > MAX_ROWS)
        throw corrupt(`a row is numbered '${a.r ?? this.number}', outside Excel's 1–${MAX_ROWS}`)
      this.row = []
      this.lastColumn = 0
    } else if (name === 'c' && this.row) {
      const column = a.r ? columnIndex(a.r) : this.lastColumn + 1
      // A reference past XFD (or without letters) would make a row of millions of holes, or put
      // the cell nowhere: no writer of real workbooks produces one, so the file is damaged.
      if (column < 1 || column > MAX_COLUMNS)
        throw corrupt(
          `the cell reference '${a.r ?? column}' in row ${this.number} is outside Excel's columns A–XFD`
        )
      this.lastColumn = column
      this.cell = {
        column,
        type: a.t ?? 'n',
        style: Number(a.s ?? 0),
        value: undefined,
        inline: undefined,
        formula: false
      }
    } else if (!this.cell) return
    else if (name === 'v') {
      this.collecting = 'value'
      this.cell.value ??= ''
    } else if (name === 'f') this.cell.formula = true
    else if (name === 'is') {
      this.inInline = true
      this.cell.inline = ''
    } else if (name === 'rPh') this.inPhonetic = true
    else if (name === 't' && this.inInline && !this.inPhonetic) this.collecting = 'inline'
  }

  text(text: string): void {
    if (this.collecting === 'value') this.cell!.value += text
    else if (this.collecting === 'inline') this.cell!.inline += text
  }

  close(name: string): void {
    if (name === 'v' || name === 't') this.collecting = undefined
    else if (name === 'rPh') this.inPhonetic = false
    else if (name === 'is') this.inInline = false
    else if (name === 'c' && this.cell && this.row) {
      this.row[this.cell.column - 1] = this.cell
      this.cell = undefined
    } else if (name === 'row' && this.row) {
      this.ready.push({ number: this.number, cells: this.row })
      this.row = undefined
    }
  }
}

/** Excel's limits (XFD, row 1,048,576): the size of any sheet a real workbook holds. */
const MAX_COLUMNS = 16_384
const MAX_ROWS = 1_048_576

/** The sheet's XML names a place no sheet has; explain() adds the file and the advice. */
const corrupt = (what: string): Error => new Error(what)

/** 'AB12' → 28. */
function columnIndex(reference: string): number {
  let column = 0
  for (const char of reference) {
    const code = char.toUpperCase().charCodeAt(0)
    if (code < 65 || code > 90) break
    column = column * 26 + (code - 64)
  }
  return column
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
