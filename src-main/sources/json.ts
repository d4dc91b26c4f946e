import { Tokenizer, TokenParser } from '@streamparser/json'
import { SourceError } from './errors'
import { COLUMN_SAMPLE_ROWS, columnsOf, firstRows, once } from './rows'
import { TextPosition } from './text-position'
import { encodingFacts, readText, sampleText } from './text'
import type { FileSourceOptions, ReadOptions, RowSource, SourceRow } from './types'

/**
 * A JSON array of objects, streamed with @streamparser/json: only the item being read is in
 * memory (keepStack: false drops each item once emitted), and its tokenizer reports the byte
 * offset of bad input, which TextPosition turns into a line and column. The tokenizer and the
 * token parser are wired by hand so a syntax error found by the token parser ("}" where a value
 * was expected) still has the offset of the token that caused it.
 */
export function jsonSource(file: string, options: FileSourceOptions): RowSource {
  const prepare = once(() => sampleText(file, options.encoding))

  async function* rows(read: ReadOptions = {}): AsyncGenerator<SourceRow> {
    const { detected } = await prepare()
    yield* readText(file, detected, read.signal, (texts) => parse(file, texts, read.signal))
  }

  return {
    async describe() {
      const text = await prepare()
      const sample = await firstRows(rows(), COLUMN_SAMPLE_ROWS)
      return { format: 'json', columns: columnsOf(sample), ...encodingFacts(text) }
    },
    rows,
    preview: (count, read) => firstRows(rows(read), count)
  }
}

async function* parse(
  file: string,
  texts: AsyncIterable<string>,
  signal: AbortSignal | undefined
): AsyncGenerator<SourceRow> {
  const position = new TextPosition()
  const items: unknown[] = []
  let lastToken = 0
  const tokens = new Tokenizer()
  const parser = new TokenParser({ paths: ['$.*'], keepStack: false })
  tokens.onToken = (token) => {
    lastToken = token.offset
    parser.write(token)
  }
  parser.onValue = ({ value }) => items.push(value)
  let started = false
  let row = 0
  const fail = (err: unknown, offset: number): SourceError => {
    const { line, column } = offset < 0 ? position.atEnd() : position.at(offset)
    const detail =
      offset < 0
        ? 'the file ends in the middle of a value: it was cut short, or a bracket is missing.'
        : `this is not valid JSON (${reason(err)}): correct it there; a JSON source is one array of objects.`
    return new SourceError('invalid-json', jsonPlace(file, line, column), detail, { cause: err })
  }
  for await (const text of texts) {
    if (!started) {
      const first = text.trimStart()[0]
      if (first !== undefined && first !== '[') throw notAnArray(file, first)
      started = first !== undefined
    }
    position.advance(text)
    try {
      tokens.write(text)
    } catch (err) {
      throw fail(err, tokenizerOffset(err) ?? lastToken)
    }
    for (const value of items) {
      signal?.throwIfAborted()
      row += 1
      yield toRow(value, row)
    }
    items.length = 0
  }
  if (!started)
    throw new SourceError(
      'invalid-json',
      { source: file },
      'the file is empty: a JSON source is an array of objects, [] when there are none.'
    )
  if (!parser.isEnded) throw fail(new Error('unexpected end'), -1)
}

function toRow(value: unknown, row: number): SourceRow {
  const location = `item ${row}`
  if (isRecord(value)) return { row, location, values: value }
  return {
    row,
    location,
    values: {},
    error: {
      code: 'not-an-object',
      message: `item ${row} of the array is ${kindOf(value)}, not an object: every item must be an object of column values, such as {"name": "…"}.`
    }
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`
}

const jsonPlace = (source: string, line: number, column: number) => ({
  source,
  location: `line ${line}, column ${column}`,
  line,
  column
})

function notAnArray(file: string, first: string): SourceError {
  const kind =
    first === '{'
      ? 'an object'
      : first === '"'
        ? 'a string'
        : /[-0-9]/.test(first)
          ? 'a number'
          : 'not an array'
  const hint =
    first === '{'
      ? ' If the file has one object per line, give it the .ndjson extension (or the format ndjson); if it is an export such as {"value": […]}, save the array alone.'
      : ''
  return new SourceError(
    'not-an-array',
    { source: file, location: 'line 1', line: 1 },
    `the top-level value is ${kind}: a JSON source is an array of objects, [{"name": "…"}, …].${hint}`
  )
}

/** The absolute byte offset a TokenizerError names, if any. */
function tokenizerOffset(err: unknown): number | undefined {
  const match = /absolute position "(\d+)"/.exec(err instanceof Error ? err.message : '')
  return match ? Number(match[1]) : undefined
}

/** The parser's words for the problem, without its internal state names. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  const unexpected = /^Unexpected (?:[A-Z_]+ \()?("[^"]*"|[^)\s]+)\)?/.exec(message)
  return unexpected ? `unexpected ${unexpected[1]}` : message
}
