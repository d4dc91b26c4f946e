import { Readable, pipeline } from 'node:stream'
import { CsvError, parse as csvParse } from 'csv-parse'
import { detectDelimiter } from './delimiter'
import { SourceError } from './errors'
import { checkHeader, numberedColumns } from './header'
import { firstRows, once } from './rows'
import { readText, sampleText, type TextSample } from './text'
import type { FileSourceOptions, ReadOptions, RowSource, SourceRow } from './types'

/**
 * CSV through csv-parse (the csv project: maintained, streaming, RFC 4180 quoting with embedded
 * delimiters, quotes and line breaks). Decoding happens before it (encoding.ts), so it parses
 * text; header checks, line numbers and field counts are ours, so every message names the line.
 */

/** A field this long is not data but a quote that never closes swallowing the file. */
const MAX_RECORD_CHARS = 10_000_000

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
      return { format: 'csv', columns, encoding: sample.detected.encoding, delimiter }
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
  return readText(file, sample.detected, signal, (texts) => parse(file, texts, delimiter, signal))
}

async function* parse(
  file: string,
  texts: AsyncIterable<string>,
  delimiter: string,
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
    throw explain(err, file, line)
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

function explain(err: unknown, file: string, line: number): unknown {
  if (!(err instanceof CsvError)) return err
  const place = { source: file, location: `line ${line}`, line }
  if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE')
    return new SourceError(
      'unclosed-quote',
      place,
      `a double quote opened on this line is never closed${err.code === 'CSV_MAX_RECORD_SIZE' ? ' (the field runs on for more than 10,000,000 characters)' : ''}: close it, and write a quote inside a quoted field as two quotes ("").`,
      { cause: err }
    )
  return new SourceError('unreadable-file', place, `${err.message}.`, { cause: err })
}
