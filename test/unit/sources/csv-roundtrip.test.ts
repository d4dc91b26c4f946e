import { stringify } from 'csv-stringify/sync'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { tempFiles, readAll } from './temp-files'

// Property: any table of strings written by csv-stringify (the csv project's own writer) is read
// back identically — whatever the delimiter, line ending, encoding with a BOM, quotes, line breaks
// and unicode in the values. Rows of empty fields only are the one documented exception: they
// hold no data and are skipped.

const files = tempFiles()
let n = 0

const special = fc.constantFrom(
  ',',
  ';',
  '\t',
  '|',
  '"',
  "'",
  '""',
  '\n',
  '\r\n',
  '\r',
  ' ',
  'é',
  '€',
  '😀',
  '東'
)
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.array(fc.oneof(special, fc.string({ maxLength: 3 })), { maxLength: 6 }).map((p) => p.join(''))
)
const headerName = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 })
  )
  .map((s) => s.trim())
  .filter((s) => s !== '' && !s.startsWith('\uFEFF'))

const table = fc
  .uniqueArray(headerName, { minLength: 1, maxLength: 5, selector: (s) => s.toLowerCase() })
  .chain((header) =>
    fc.tuple(
      fc.constant(header),
      fc.array(fc.array(text, { minLength: header.length, maxLength: header.length }), {
        maxLength: 12
      })
    )
  )

describe('CSV round trip', () => {
  it('reads back what csv-stringify wrote', async () => {
    await fc.assert(
      fc.asyncProperty(
        table,
        fc.constantFrom(',', ';', '\t', '|'),
        fc.constantFrom('\n', '\r\n'),
        fc.constantFrom('utf-8', 'utf-8 bom', 'utf-16le bom'),
        async ([header, rows], delimiter, lineEnd, encoding) => {
          // csv-stringify quotes a lone \n only when it is the record delimiter; the reader takes
          // \r\n, \n and \r alike as line ends (as Excel does), so every line break is quoted.
          const written = stringify([header, ...rows], {
            delimiter,
            record_delimiter: lineEnd,
            quoted_match: /[\r\n]/
          })
          const body =
            encoding === 'utf-16le bom'
              ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(written, 'utf16le')])
              : Buffer.concat([
                  Buffer.from(encoding === 'utf-8 bom' ? '\uFEFF' : ''),
                  Buffer.from(written)
                ])
          const file = files.write(`roundtrip-${n++}.csv`, body)
          const read = await readAll(file, { delimiter })
          const expected = rows.filter((row) => row.some((value) => value !== ''))
          expect(read.map((r) => r.error)).toEqual(expected.map(() => undefined))
          expect(read.map((r) => header.map((name) => r.values[name]))).toEqual(expected)
        }
      ),
      { numRuns: 150 }
    )
  }, 30_000)
})
