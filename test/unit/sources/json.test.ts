import { describe, expect, it } from 'vitest'
import { openFileSource } from '../../../src-main/sources/index'
import { cp1252 } from './cp1252'
import { readAll, sourceError, tempFiles } from './temp-files'

const files = tempFiles()

describe('JSON: an array of objects', () => {
  it('streams the objects with nested values as they are, and names the columns', async () => {
    const items = [
      {
        productnumber: 'PRD-1',
        name: 'O\'Brien "Tea"',
        price: 4.2,
        tags: ['a', 'b'],
        dims: { w: 1 }
      },
      { productnumber: 'PRD-2', name: '東京 😀', active: false, parent: null }
    ]
    const file = files.write('items.json', JSON.stringify(items, null, 2))
    const source = await openFileSource(file)
    expect(await source.describe()).toEqual({
      format: 'json',
      columns: ['productnumber', 'name', 'price', 'tags', 'dims', 'active', 'parent'],
      encoding: 'utf-8',
      encodingBasis: 'valid UTF-8'
    })
    const rows = await readAll(file)
    expect(rows.map((r) => [r.row, r.location])).toEqual([
      [1, 'item 1'],
      [2, 'item 2']
    ])
    expect(rows.map((r) => r.values)).toEqual(items)
  })

  it('reads an empty array, a BOM, and windows-1252 text', async () => {
    expect(await readAll(files.write('empty.json', ' [ ]\n'))).toEqual([])
    const bom = files.write(
      'bom.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":"é"}]')])
    )
    expect((await readAll(bom))[0]!.values).toEqual({ a: 'é' })
    const latin = files.write('latin.json', cp1252('[{"name":"Müller"}]'))
    expect((await readAll(latin))[0]!.values).toEqual({ name: 'Müller' })
  })

  it('an item that is not an object is an error row; the items around it are read', async () => {
    const file = files.write('mixed.json', '[{"a":1}, 42, null, ["x"], "s", {"a":2}]')
    const rows = await readAll(file)
    expect(rows.map((r) => r.error?.message ?? r.values)).toEqual([
      { a: 1 },
      'item 2 of the array is a number, not an object: every item must be an object of column values, such as {"name": "…"}.',
      'item 3 of the array is null, not an object: every item must be an object of column values, such as {"name": "…"}.',
      'item 4 of the array is an array, not an object: every item must be an object of column values, such as {"name": "…"}.',
      'item 5 of the array is a string, not an object: every item must be an object of column values, such as {"name": "…"}.',
      { a: 2 }
    ])
    expect(rows[1]).toMatchObject({ row: 2, location: 'item 2', error: { code: 'not-an-object' } })
  })

  it.each([
    ['an unexpected character', '[\n  {"a": 1},\n  {"b": tru}\n]', 3, 12, 'unexpected "}"'],
    ['a missing comma', '[\n  {"a": 1}\n  {"b": 2}\n]', 3, 3, 'unexpected "{"'],
    ['a trailing comma', '[{"a": 1},\n]', 2, 1, 'unexpected "]"'],
    ['text after the array', '[{"a": 1}]\nx', 2, 1, 'unexpected "x"'],
    [
      'a position after multi-byte text',
      '[{"name": "Zoë 東京"}, {"b": ?}]',
      1,
      28,
      'unexpected "?"'
    ]
  ])(
    'invalid JSON (%s) fails the source with its line and column',
    async (_, text, line, column, reason) => {
      const file = files.write(`invalid-${line}-${column}-${text.length}.json`, text)
      const err = await sourceError(readAll(file))
      expect(err.code).toBe('invalid-json')
      expect(err.place).toMatchObject({ line, column, location: `line ${line}, column ${column}` })
      expect(err.message).toContain(
        `line ${line}, column ${column}: this is not valid JSON (${reason})`
      )
    }
  )

  it('a file cut short fails at its end; rows before it were already read', async () => {
    const file = files.write('cut.json', '[{"a": 1},\n {"a": 2')
    const source = await openFileSource(file)
    const seen: unknown[] = []
    const err = await sourceError(
      (async () => {
        for await (const row of source.rows()) seen.push(row.values)
      })()
    )
    expect(seen).toEqual([{ a: 1 }])
    expect(err.message).toContain(
      'cut.json line 2, column 9: the file ends in the middle of a value'
    )
  })

  it.each([
    ['an object', '{"value": [{"a": 1}]}', 'the top-level value is an object', '.ndjson'],
    ['a string', '"x"', 'the top-level value is a string', 'array of objects'],
    ['a number', '42', 'the top-level value is a number', 'array of objects']
  ])('a top-level value that is %s fails the source', async (_, text, message, advice) => {
    const file = files.write(`top-${text.length}.json`, text)
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('not-an-array')
    expect(err.message).toContain(message)
    expect(err.message).toContain(advice)
  })

  it('an empty file fails the source', async () => {
    const err = await sourceError(readAll(files.write('nothing.json', '  \n')))
    expect(err.code).toBe('invalid-json')
    expect(err.message).toContain('the file is empty')
  })
})

describe('NDJSON: one object a line', () => {
  it('reads objects line by line, CRLF and blank lines allowed, .jsonl too', async () => {
    const text = '{"a":1,"n":{"x":[1]}}\r\n\r\n{"a":2,"b":"O\'Brien"}\n   \n{"a":3}'
    for (const name of ['lines.ndjson', 'lines.jsonl']) {
      const file = files.write(name, text)
      expect(await (await openFileSource(file)).describe()).toEqual({
        format: 'ndjson',
        columns: ['a', 'n', 'b'],
        encoding: 'utf-8',
        encodingBasis: 'ASCII so far'
      })
      expect((await readAll(file)).map((r) => [r.row, r.location, r.values])).toEqual([
        [1, 'line 1', { a: 1, n: { x: [1] } }],
        [2, 'line 3', { a: 2, b: "O'Brien" }],
        [3, 'line 5', { a: 3 }]
      ])
    }
  })

  it('a line that is not JSON, or not an object, is an error row naming the line; the rest is read', async () => {
    const file = files.write('bad.ndjson', '{"a":1}\n{"a":\n[1,2]\n"text"\n{"a":5}\n')
    const rows = await readAll(file)
    expect(rows.map((r) => [r.row, r.location, r.error?.code ?? r.values])).toEqual([
      [1, 'line 1', { a: 1 }],
      [2, 'line 2', 'invalid-json'],
      [3, 'line 3', 'not-an-object'],
      [4, 'line 4', 'not-an-object'],
      [5, 'line 5', { a: 5 }]
    ])
    expect(rows[1]!.error!.message).toMatch(
      /^line 2 is not valid JSON \(.+\): each line must be one JSON object\.$/
    )
    expect(rows[2]!.error!.message).toBe(
      'line 3 is an array, not an object: each line must be one JSON object, such as {"name": "…"}.'
    )
  })

  it('reads a line longer than many chunks', async () => {
    const long = 'x'.repeat(300_000)
    const file = files.write('long.ndjson', `{"a":"${long}"}\n{"a":"short"}\n`)
    expect((await readAll(file)).map((r) => (r.values.a as string).length)).toEqual([300_000, 5])
  })
})
