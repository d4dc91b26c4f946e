import { Readable, pipeline } from 'node:stream'
import { CsvError, parse as csvParse } from 'csv-parse'
import { detectDelimiter } from './delimiter'
import { SourceError } from './errors'
import { checkHeader, numberedColumns } from './header'
import { firstRows, once } from './rows'
import { encodingFacts, readText, sampleText, type TextSample } from './text'
import type { FileSourceOptions, ReadOptions, RowSource, SourceRow } from './types'

/**
 * CSV through csv-parse (the csv project: maintained, streaming, RFC 4180 quoting with embedded
 * delimiters, quotes and line breaks). Decoding happens before it (encoding.ts), so it parses
 * text; header checks, line numbers and field counts are ours, so every message names the line.
 */

/**
 * The most one record may hold: beyond it a record is a quote that never closes swallowing the
 * file, or a line too long to be a row, and either way reading on would hold it all in memory.
 */
export const MAX_RECORD_CHARS = 10_000_000

interface CsvRecord {
  fields: string[]
  /** The line the record starts on (a quoted line break makes a record span several). */
  line: number
}

export function csvSource(file: string, options: FileSourceOptions): RowSource {
  const hasHeader = options.hasHeader ?? true
  const prepare = once(async () => {
    const sample = await sampleText(file, options.encoding)
    const delimiter = options.delimiter ?? detectDelimiter(sample.text, sample.wholeFile)
    if (delimiter === '' || /["\r\n]/.test(delimiter))
      throw new SourceError(
        'bad-option',
        { source: file },
        `${JSON.stringify(delimiter)} cannot be a delimiter: use ',', ';', a tab or '|'.`
      )
    return { sample, delimiter }
  })

  async function* rows(read: ReadOptions = {}): AsyncGenerator<SourceRow> {
    const { sample, delimiter } = await prepare()
    let header: string[] | undefined
    let row = 0
    for await (const { fields, line } of records(file, sample, delimiter, read.signal)) {
      if (isBlank(fields)) continue
      if (!header) {
        header = hasHeader
          ? checkHeader(fields, file, `line ${line}`, (i) => `column ${i + 1}`)
          : numberedColumns(fields.length)
        if (hasHeader) continue
      }
      row += 1
      yield toRow(fields, header, row, line, delimiter)
    }
  }

  return {
    async describe() {
      const { sample, delimiter } = await prepare()
      let columns: string[] = []
      for await (const { fields, line } of records(file, sample, delimiter)) {
        if (isBlank(fields)) continue
        columns = hasHeader
          ? checkHeader(fields, file, `line ${line}`, (i) => `column ${i + 1}`)
          : numberedColumns(fields.length)
        break
      }
      return { format: 'csv', columns, ...encodingFacts(sample), delimiter }
    },
    rows,
    preview: (count, read) => firstRows(rows(read), count)
  }
}

/**
 * A blank line, or a line of delimiters only (Excel writes ";;;" for an empty row in the used
 * range): no data to lose, so no row — as an empty row of a sheet is none.
 */
const isBlank = (fields: string[]): boolean => fields.every((field) => field === '')

function toRow(
  fields: string[],
  header: string[],
  row: number,
  line: number,
  delimiter: string
): SourceRow {
  const values: Record<string, string> = {}
  const shared = Math.min(fields.length, header.length)
  for (let i = 0; i < shared; i++) values[header[i]!] = fields[i]!
  const location = `line ${line}`
  if (fields.length === header.length) return { row, location, values }
  const shown = delimiter === '\t' ? 'tab' : `'${delimiter}'`
  const message =
    fields.length > header.length
      ? `line ${line} has ${fields.length} fields but the header has ${header.length} (extra: ${JSON.stringify(fields.slice(header.length, header.length + 3))}): a value that contains the delimiter ${shown} must be in double quotes.`
      : `line ${line} has ${fields.length} fields but the header has ${header.length}: add the missing fields (empty is fine) so that every value stays under its column.`
  return { row, location, values, error: { code: 'field-count', message } }
}

function records(
  file: string,
  sample: TextSample,
  delimiter: string,
  signal?: AbortSignal
): AsyncGenerator<CsvRecord> {
  const lineLength = (line: number): Promise<number> =>
    measureLine(readText(file, sample.detected, signal, (texts) => lengthOfLine(texts, line)))
  return readText(file, sample.detected, signal, (texts) =>
    parse(file, texts, delimiter, lineLength, signal)
  )
}

async function* parse(
  file: string,
  texts: AsyncIterable<string>,
  delimiter: string,
  lineLength: (line: number) => Promise<number>,
  signal?: AbortSignal
): AsyncGenerator<CsvRecord> {
  const input = Readable.from(texts)
  const parser = csvParse({
    delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true, // field counts are checked per row, so one bad row is not fatal
    relax_quotes: true, // 5" screen in an unquoted field is kept as written
    skip_empty_lines: false, // every line comes through, so line numbers can be counted exactly
    max_record_size: MAX_RECORD_CHARS
  })
  // pipeline forwards a failure of the file or the decoder to the parser, so the loop sees it.
  const output = pipeline(input, parser, () => undefined)
  let line = 1
  try {
    for await (const fields of output as AsyncIterable<string[]>) {
      signal?.throwIfAborted()
      yield { fields, line }
      line += 1 + lineBreaks(fields)
    }
  } catch (err) {
    // Too long a record is one of two things, told apart by the line it starts on: a line that
    // long by itself, or a record that ran past its line's end, which only an open quote does.
    const longLine =
      err instanceof CsvError && err.code === 'CSV_MAX_RECORD_SIZE'
        ? (await lineLength(line)) > MAX_RECORD_CHARS
        : false
    throw explain(err, file, line, longLine)
  } finally {
    input.destroy()
  }
}

/** Line breaks inside the quoted fields of a record (csv-parse's own count is off for \r\n). */
function lineBreaks(fields: string[]): number {
  let count = 0
  for (const field of fields) {
    if (field.indexOf('\n') < 0 && field.indexOf('\r') < 0) continue
    count += field.match(/\r\n|\r|\n/g)!.length
  }
  return count
}

function explain(err: unknown, file: string, line: number, longLine: boolean): unknown {
  if (!(err instanceof CsvError)) return err
  const place = { source: file, location: `line ${line}`, line }
  const limit = MAX_RECORD_CHARS.toLocaleString('en-US')
  if (err.code === 'CSV_MAX_RECORD_SIZE' && longLine)
    return new SourceError(
      'record-too-long',
      place,
      `the line is longer than ${limit} characters, the most one record may hold: this is not a row of data (a value that long cannot go into a Dataverse column either); remove or shorten it, or check that the file is really CSV.`,
      { cause: err }
    )
  if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE')
    return new SourceError(
      'unclosed-quote',
      place,
      `a double quote opened on this line is never closed${err.code === 'CSV_MAX_RECORD_SIZE' ? ` (the record runs on over the following lines for more than ${limit} characters, the most one record may hold)` : ''}: close it, and write a quote inside a quoted field as two quotes ("").`,
      { cause: err }
    )
  return new SourceError('unreadable-file', place, `${err.message}.`, { cause: err })
}

/** Characters on line `line` (1-based, \r\n, \n or \r ends a line), counted up to just past the limit. */
async function* lengthOfLine(texts: AsyncIterable<string>, line: number): AsyncGenerator<number> {
  let current = 1
  let length = 0
  let afterCr = false
  for await (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 0x0a && afterCr) {
        afterCr = false
        continue
      }
      afterCr = c === 0x0d
      if (c === 0x0a || c === 0x0d) {
        if (current === line) return yield length
        current += 1
      } else if (current === line && ++length > MAX_RECORD_CHARS) return yield length
    }
  }
  yield length
}

async function measureLine(lengths: AsyncGenerator<number>): Promise<number> {
  for await (const length of lengths) return length
  return 0
}
