import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { fuzz, runs } from '../support/fuzz-kit'
import { mutation, mutate, outcome, readAll } from '../support/fuzz-sources'
import { workbookParts, xlsxBytes, type XlsxCell } from '../support/fuzz-zip'

/**
 * XLSX sources (src-main/sources/xlsx*.ts) from workbooks built part by part
 * (test/support/fuzz-zip.ts): valid sheets with one damaged cell per row, damaged sheet XML and
 * damaged zips. Rows in = rows out (error rows included); a reference no sheet can have fails
 * the source; anything else ends as rows or a SourceError.
 */

const dir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-xlsx-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const write = (content: Uint8Array): string => {
  const file = join(dir, `w${(files += 1)}.xlsx`)
  writeFileSync(file, content)
  return file
}

/** XML 1.0 text that survives a round trip: no control characters but tab and LF, no CR. */
const xmlSafe = (s: string): string =>
  [...s]
    .filter((ch) => {
      const code = ch.codePointAt(0)!
      return (code >= 0x20 || code === 0x09 || code === 0x0a) && code !== 0xfffe && code !== 0xffff
    })
    .join('')

describe('XLSX', () => {
  const xmlText = fc.string({ unit: 'grapheme', maxLength: 10 }).map(xmlSafe)
  const cell: fc.Arbitrary<XlsxCell> = fc.oneof(
    xmlText.filter((s) => s !== '').map((t) => ({ kind: 'shared' as const, text: t })),
    xmlText.filter((s) => s !== '').map((t) => ({ kind: 'inline' as const, text: t })),
    fc
      .double({ noNaN: true, noDefaultInfinity: true })
      .map((v) => ({ kind: 'number' as const, value: v === 0 ? 0 : v })),
    fc.boolean().map((v) => ({ kind: 'boolean' as const, value: v })),
    fc.integer({ min: 1, max: 2_958_465 }).map((d) => ({ kind: 'date' as const, serial: d }))
  )
  /** Damage confined to one cell: the row must still come out, as an error row or with a value. */
  const rowLocal = fc.constantFrom<XlsxCell>(
    { kind: 'error', code: '#N/A' },
    { kind: 'error', code: '#DIV/0!' },
    { kind: 'raw', xml: '<c r="{ref}" t="s"><v>99999</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" t="s"><v>-1</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" t="s"><v>abc</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}"><v>abc</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}"><v>1e999</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" s="1"><v>abc</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" s="1"><v>1e308</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" s="1"><v>-1e20</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" s="99"><v>5</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}" t="zz"><v>5</v></c>' },
    { kind: 'raw', xml: '<c r="{ref}"><f>A1+1</f></c>' },
    { kind: 'raw', xml: '<c r="{ref}" t="d"><v>not a date</v></c>' }
  )
  /** A cell no sheet can have (past XFD, no column letters): the file is damaged, SourceError. */
  const fatal = fc.constantFrom<XlsxCell>(
    { kind: 'raw', xml: '<c r="ZZZZZZ{row}" t="inlineStr"><is><t>far</t></is></c>' },
    { kind: 'raw', xml: '<c r="XFE{row}" t="inlineStr"><is><t>past XFD</t></is></c>' },
    { kind: 'raw', xml: '<c r="9{row}"><v>5</v></c>' }
  )
  const damage = fc.oneof(
    { weight: 5, arbitrary: rowLocal.map((cell) => ({ cell, fatal: false })) },
    { weight: 1, arbitrary: fatal.map((cell) => ({ cell, fatal: true })) }
  )

  it('row-local damage: every row comes out, good cells unchanged; damaged references fail the source', async () => {
    const sheet = fc
      .uniqueArray(
        xmlText.map((s) => s.trim()).filter((s) => s !== ''),
        { minLength: 1, maxLength: 4, selector: (s) => s.toLowerCase() }
      )
      .chain((names) =>
        fc.tuple(
          fc.constant(names),
          fc.array(
            fc.record({
              cells: fc.array(cell, { minLength: names.length, maxLength: names.length }),
              damage: fc.option(fc.tuple(fc.nat(names.length - 1), damage), { freq: 4 })
            }),
            { minLength: 1, maxLength: 15 }
          )
        )
      )
    await fuzz(
      'xlsx',
      'row-local damage: rows in = rows out + error rows',
      sheet,
      async ([names, rows]) => {
        const cells = rows.map((r) => {
          if (!r.damage) return r.cells
          const [at, bad] = r.damage
          const copy = [...r.cells]
          copy[at] = bad.cell
          return copy
        })
        const { parts, sheetXml } = workbookParts({ header: names, rows: cells })
        const result = await readAll(write(xlsxBytes(parts, fillRowNumbers(sheetXml))))
        if (rows.some((r) => r.damage?.[1].fatal)) {
          expect('error' in result && result.error.code).toBe('unreadable-file')
          return outcome(result)
        }
        if ('error' in result) throw result.error
        expect(result.rows).toHaveLength(rows.length)
        for (const [i, row] of result.rows.entries()) {
          if (rows[i]!.damage) continue
          expect(row.error, `row ${i + 2}`).toBeUndefined()
          for (const [c, name] of names.entries())
            expect(row.values[name]).toEqual(expected(cells[i]![c]!))
        }
        return outcome(result)
      },
      { numRuns: runs(300), timeoutMs: 10_000 }
    )
  })

  it('random damage to the sheet XML or the zip: rows or a SourceError, and it ends', async () => {
    const workbook = fc.tuple(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 3 }), { maxLength: 8 }),
      fc.array(mutation, { minLength: 1, maxLength: 5 }),
      fc.constantFrom('sheet xml', 'zip bytes')
    )
    await fuzz(
      'xlsx',
      'random damage: rows or SourceError',
      workbook,
      async ([rows, mutations, target]) => {
        const { parts, sheetXml } = workbookParts({ header: ['a', 'b', 'c'], rows })
        const bytes =
          target === 'sheet xml'
            ? xlsxBytes(parts, mutate(Buffer.from(sheetXml), mutations))
            : mutate(xlsxBytes(parts, sheetXml), mutations)
        return outcome(await readAll(write(bytes)))
      },
      { numRuns: runs(400), timeoutMs: 10_000 }
    )
  })
})

/** `{row}` placeholders in raw cells take the number of the row they are in. */
function fillRowNumbers(xml: string): string {
  return xml.replace(/<row r="(\d+)">(.*?)<\/row>/g, (row, n: string) => row.replace(/\{row\}/g, n))
}

/** What the source gives for a cell it reads correctly (README: dates as wall-clock ISO text). */
function expected(cell: XlsxCell): unknown {
  switch (cell.kind) {
    case 'shared':
    case 'inline':
      return cell.text
    case 'number':
      return cell.value
    case 'boolean':
      return cell.value
    case 'date': {
      const iso = new Date(Math.round((cell.serial - 25569) * 86_400_000)).toISOString()
      return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19)
    }
    default:
      return undefined
  }
}
