import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { openFileSource } from '../../src-main/sources/index'
import { fuzz, runs } from '../support/fuzz-kit'
import { mutation, mutate, outcome, readAll } from '../support/fuzz-sources'

/**
 * The row sources (src-main/sources, README "Errors") under hostile files: random bytes, valid
 * files mutated at random, and valid files with row-local damage. What must hold:
 *   - reading ends (no hang) with rows or a SourceError — never another exception;
 *   - no row is lost silently: for row-local damage, rows out (error rows included) equal the
 *     rows written, the damaged ones are error rows and the others come back unchanged;
 *   - a JSON array cut short is a SourceError, never a shorter list of rows.
 * Valid CSV round trips are test/unit/sources/csv-roundtrip.test.ts; not repeated here.
 */

const dir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-sources-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const write = (extension: string, content: string | Uint8Array): string => {
  const file = join(dir, `f${(files += 1)}.${extension}`)
  writeFileSync(file, content)
  return file
}

/** Text as data holds it: anything, quotes, delimiters, line breaks and non-ASCII included. */
const special = fc.constantFrom(
  ',',
  ';',
  '\t',
  '|',
  '"',
  '""',
  '\n',
  '\r\n',
  ' ',
  'é',
  '€',
  '😀',
  '=1+1'
)
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.array(fc.oneof(special, fc.string({ maxLength: 3 })), { maxLength: 5 }).map((p) => p.join(''))
)
const headerName = fc
  .string({ minLength: 1, maxLength: 8 })
  .map((s) => s.trim())
  .filter((s) => s !== '' && !s.startsWith('\uFEFF'))
const header = fc.uniqueArray(headerName, {
  minLength: 1,
  maxLength: 5,
  selector: (s) => s.toLowerCase()
})

describe('CSV', () => {
  it('row-local damage: every row comes out, the damaged ones as field-count error rows', async () => {
    const table = header.chain((names) =>
      fc.tuple(
        fc.constant(names),
        fc.array(
          fc.record({
            values: fc.array(text, { minLength: names.length, maxLength: names.length }),
            damage: fc.constantFrom('none', 'none', 'none', 'extra field', 'missing field')
          }),
          { minLength: 1, maxLength: 30 }
        ),
        fc.constantFrom(',', ';', '\t', '|')
      )
    )
    await fuzz(
      'csv',
      'row-local damage: rows in = rows out + error rows',
      table,
      async ([names, rows, delimiter]) => {
        // A row that is all empty fields is no row (README): the first field, which damage
        // never removes, holds a value.
        const records = rows.map((r) => {
          const values = r.values.map((v, i) => (i === 0 && v === '' ? 'x' : v))
          if (r.damage === 'extra field') return [...values, 'extra']
          // One field fewer; a single-column row loses nothing it could lose, so it gains one.
          if (r.damage === 'missing field')
            return values.length > 1 ? values.slice(0, -1) : [...values, 'extra']
          return values
        })
        const body = stringify([names, ...records], { delimiter, quoted_match: /[\r\n]/ })
        const result = await readAll(write('csv', body), { delimiter })
        if ('error' in result) throw result.error
        expect(result.rows).toHaveLength(rows.length)
        for (const [i, row] of result.rows.entries()) {
          const damaged = records[i]!.length !== names.length
          expect(row.error?.code, `row ${i + 1}`).toBe(damaged ? 'field-count' : undefined)
          if (!damaged) expect(names.map((n) => row.values[n])).toEqual(records[i])
        }
        return result.rows.some((r) => r.error) ? 'rows with error rows' : 'rows'
      },
      { numRuns: runs(400), timeoutMs: 5000 }
    )
  })

  it('random damage to a valid file, delimiter detected: rows or a SourceError, and it ends', async () => {
    const damaged = fc.tuple(
      header,
      fc.array(fc.array(text, { minLength: 1, maxLength: 5 }), { maxLength: 20 }),
      fc.constantFrom(',', ';', '\t', '|'),
      fc.array(mutation, { minLength: 1, maxLength: 6 }),
      fc.constantFrom('csv', 'tsv', 'txt')
    )
    await fuzz(
      'csv',
      'random damage: rows or SourceError',
      damaged,
      async ([names, rows, delimiter, mutations, extension]) => {
        const body = Buffer.from(stringify([names, ...rows], { delimiter, quoted_match: /[\r\n]/ }))
        const result = await readAll(write(extension, mutate(body, mutations)))
        if ('rows' in result) for (const row of result.rows) expect(row.row).toBeGreaterThan(0)
        return outcome(result)
      },
      { numRuns: runs(600), timeoutMs: 5000 }
    )
  })
})

describe('NDJSON', () => {
  const line = fc.record({
    value: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4
    }),
    damage: fc.constantFrom(
      'none',
      'none',
      'none',
      'cut',
      'not an object',
      'garbage',
      'blank line before'
    )
  })
  it('row-local damage: every line comes out, the damaged ones as error rows', async () => {
    await fuzz(
      'ndjson',
      'row-local damage: rows in = rows out + error rows',
      fc.tuple(fc.array(line, { minLength: 1, maxLength: 30 }), fc.constantFrom('\n', '\r\n')),
      async ([lines, eol]) => {
        const written = lines.map((l) => {
          const json = JSON.stringify(l.value)
          if (l.damage === 'cut') return json.slice(0, -1)
          if (l.damage === 'not an object') return JSON.stringify([l.value])
          if (l.damage === 'garbage') return `${json},`
          if (l.damage === 'blank line before') return `${eol}  ${eol}${json}`
          return json
        })
        const result = await readAll(write('ndjson', written.join(eol) + eol))
        if ('error' in result) throw result.error
        expect(result.rows).toHaveLength(lines.length)
        for (const [i, row] of result.rows.entries()) {
          const l = lines[i]!
          if (l.damage === 'none' || l.damage === 'blank line before') {
            expect(row.error).toBeUndefined()
            expect(row.values).toEqual(JSON.parse(JSON.stringify(l.value)))
          } else {
            expect(row.error?.code).toMatch(/^(invalid-json|not-an-object)$/)
          }
        }
        return result.rows.some((r) => r.error) ? 'rows with error rows' : 'rows'
      },
      { numRuns: runs(400), timeoutMs: 5000 }
    )
  })
})

describe('JSON', () => {
  const items = fc.array(
    fc.oneof(
      {
        weight: 4,
        arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 4
        })
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }
    ),
    { maxLength: 30 }
  )
  it('every item comes out: objects as rows, anything else as not-an-object error rows', async () => {
    await fuzz(
      'json',
      'items in = rows out + error rows',
      fc.tuple(items, fc.constantFrom(0, 2)),
      async ([values, indent]) => {
        const result = await readAll(write('json', JSON.stringify(values, null, indent)))
        if ('error' in result) throw result.error
        expect(result.rows).toHaveLength(values.length)
        for (const [i, row] of result.rows.entries()) {
          const v = JSON.parse(JSON.stringify(values[i])) as unknown
          const isObject = typeof v === 'object' && v !== null && !Array.isArray(v)
          expect(row.error?.code).toBe(isObject ? undefined : 'not-an-object')
          if (isObject) expect(row.values).toEqual(v)
        }
        return result.rows.some((r) => r.error) ? 'rows with error rows' : 'rows'
      },
      { numRuns: runs(400), timeoutMs: 5000 }
    )
  })

  it('an array cut short is a SourceError, never fewer rows', async () => {
    await fuzz(
      'json',
      'cut short: SourceError',
      fc.tuple(items, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })),
      async ([values, fraction]) => {
        const full = JSON.stringify(values, null, 1)
        const cut = full.slice(0, Math.floor(full.length * fraction))
        const result = await readAll(write('json', cut))
        expect('error' in result, `read ${cut.length} of ${full.length} characters as rows`).toBe(
          true
        )
        return outcome(result)
      },
      { numRuns: runs(300), timeoutMs: 5000 }
    )
  })

  it('random damage: rows or a SourceError, and it ends', async () => {
    await fuzz(
      'json',
      'random damage: rows or SourceError',
      fc.tuple(
        items,
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('json', 'ndjson', 'jsonl')
      ),
      async ([values, mutations, extension]) => {
        const body = Buffer.from(
          extension === 'json'
            ? JSON.stringify(values, null, 1)
            : values.map((v) => JSON.stringify(v)).join('\n')
        )
        return outcome(await readAll(write(extension, mutate(body, mutations))))
      },
      { numRuns: runs(600), timeoutMs: 5000 }
    )
  })
})

describe('any format, random bytes', () => {
  it('rows or a SourceError, and it ends', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      // Mostly text, with the bytes that steer encoding detection.
      fc
        .array(
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom('\xef\xbb\xbf', '\xff\xfe', '\xfe\xff', '\x00', '\x80', '\xc3')
          ),
          {
            maxLength: 20
          }
        )
        .map((parts) => new Uint8Array(Buffer.from(parts.join(''), 'latin1')))
    )
    await fuzz(
      'any format',
      'random bytes: rows or SourceError',
      fc.tuple(bytes, fc.constantFrom('csv', 'tsv', 'json', 'ndjson', 'xlsx')),
      async ([content, extension]) => outcome(await readAll(write(extension, content))),
      { numRuns: runs(600), timeoutMs: 5000 }
    )
  })
})

describe('encoding doubts (issue 19 item 12)', () => {
  /** A word of ASCII letters with at most one accent, as European text mostly has them. */
  const word = fc
    .tuple(
      fc.stringMatching(/^[a-zA-Z]{1,8}$/),
      fc.option(fc.constantFrom(...'äöüßéèêàçñãõíóúÄÖÜÉÑ€'), { nil: undefined }),
      fc.stringMatching(/^[a-z]{0,6}$/)
    )
    .map(([a, accent, b]) => `${a}${accent ?? ''}${b}`)
  const europeanCsv = fc
    .array(
      fc.array(
        fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
        { minLength: 2, maxLength: 2 }
      ),
      {
        minLength: 1,
        maxLength: 40
      }
    )
    .map((rows) => ['Name;Note', ...rows.map((r) => r.join(';'))].join('\r\n'))

  it('European text in windows-1252 (accents standing alone): read as windows-1252, never a warning', async () => {
    await fuzz(
      'encoding',
      'windows-1252 European text: no warning',
      europeanCsv,
      async (text) => {
        const file = write(
          'csv',
          Buffer.from([...text].map((c) => (c === '€' ? 0x80 : c.charCodeAt(0))))
        )
        const description = await (await openFileSource(file)).describe()
        expect(description.warnings, text).toBeUndefined()
        return `${description.encoding} (${description.encodingBasis})`
      },
      { numRuns: runs(300) }
    )
  })

  /** Japanese in Shift-JIS: hiragana 0x82 0x9F–0xF1, katakana 0x83 0x40–0x96 (not 0x7F). */
  const kana = fc.oneof(
    fc.integer({ min: 0x9f, max: 0xf1 }).map((b) => [0x82, b]),
    fc
      .integer({ min: 0x40, max: 0x96 })
      .filter((b) => b !== 0x7f)
      .map((b) => [0x83, b])
  )
  const japanese = fc
    .array(fc.array(kana, { minLength: 2, maxLength: 8 }), { minLength: 2, maxLength: 30 })
    .map((cells) =>
      Buffer.concat([
        Buffer.from('Name\r\n'),
        ...cells.map((cell) => Buffer.from([...cell.flat(), 0x0d, 0x0a]))
      ])
    )

  it('Japanese in Shift-JIS read without --encoding: windows-1252 is assumed, and a warning says so', async () => {
    await fuzz(
      'encoding',
      'Shift-JIS text: warned',
      japanese,
      async (bytes) => {
        const file = write('csv', bytes)
        const description = await (await openFileSource(file)).describe()
        expect(description.encoding).toBe('windows-1252')
        expect(description.warnings?.length, bytes.toString('hex')).toBe(1)
        expect(description.warnings![0]).toMatch(/Shift-JIS \(Japanese\) \(--encoding shift_jis\)/)
        return 'warned'
      },
      { numRuns: runs(300) }
    )
  })
})
