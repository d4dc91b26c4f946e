import { isRecord, kindOf } from './json'
import { COLUMN_SAMPLE_ROWS, columnsOf, firstRows, once } from './rows'
import { encodingFacts, readText, sampleText } from './text'
import type { FileSourceOptions, ReadOptions, RowSource, SourceRow } from './types'

/**
 * One JSON object per line (NDJSON / JSON Lines). Lines are independent, so a bad line is an
 * error row and the lines after it are still read; each line goes to JSON.parse, which is the
 * fastest JSON parser there is in Node. Blank lines are allowed and skipped.
 */
export function ndjsonSource(file: string, options: FileSourceOptions): RowSource {
  const prepare = once(() => sampleText(file, options.encoding))

  async function* rows(read: ReadOptions = {}): AsyncGenerator<SourceRow> {
    const { detected } = await prepare()
    yield* readText(file, detected, read.signal, (texts) => parse(texts, read.signal))
  }

  return {
    async describe() {
      const text = await prepare()
      const sample = await firstRows(rows(), COLUMN_SAMPLE_ROWS)
      return { format: 'ndjson', columns: columnsOf(sample), ...encodingFacts(text) }
    },
    rows,
    preview: (count, read) => firstRows(rows(read), count)
  }
}

async function* parse(
  texts: AsyncIterable<string>,
  signal: AbortSignal | undefined
): AsyncGenerator<SourceRow> {
  let rest = ''
  let line = 0
  let row = 0
  const next = (text: string): SourceRow | undefined => {
    line += 1
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text
    if (trimmed.trim() === '') return undefined
    row += 1
    return toRow(trimmed, row, line)
  }
  for await (const text of texts) {
    signal?.throwIfAborted()
    const first = text.indexOf('\n')
    // A line longer than a chunk grows `rest` without being searched again and again.
    if (first < 0) {
      rest += text
      continue
    }
    const head = next(rest + text.slice(0, first))
    if (head) yield head
    let start = first + 1
    for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      signal?.throwIfAborted()
      const parsed = next(text.slice(start, end))
      start = end + 1
      if (parsed) yield parsed
    }
    rest = text.slice(start)
  }
  const last = rest === '' ? undefined : next(rest)
  if (last) yield last
}

function toRow(text: string, row: number, line: number): SourceRow {
  const location = `line ${line}`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return {
      row,
      location,
      values: {},
      error: {
        code: 'invalid-json',
        message: `line ${line} is not valid JSON (${(err as Error).message}): each line must be one JSON object.`
      }
    }
  }
  if (isRecord(value)) return { row, location, values: value }
  return {
    row,
    location,
    values: {},
    error: {
      code: 'not-an-object',
      message: `line ${line} is ${kindOf(value)}, not an object: each line must be one JSON object, such as {"name": "…"}.`
    }
  }
}
