import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import ExcelJS from 'exceljs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openFileSource, type RowSource } from '../../../src-main/sources/index'
import { tempFiles } from './temp-files'

// Streaming, shown rather than assumed: the first row arrives after a small part of a large file
// was read (bytes counted by the kernel for this process, /proc/self/io), early exits and aborts
// close the file, and an abort stops the iteration at once.

const files = tempFiles()
const ROWS = 120_000

const csv = files.write(
  'big.csv',
  'productnumber,name,price\n' +
    Array.from({ length: ROWS }, (_, i) => `PRD-${i},"Product, ""${i}""",${i}.5`).join('\n')
)
const ndjson = files.write(
  'big.ndjson',
  Array.from({ length: ROWS }, (_, i) => JSON.stringify({ productnumber: `PRD-${i}`, n: i })).join(
    '\n'
  )
)
const json = files.write(
  'big.json',
  `[\n${Array.from({ length: ROWS }, (_, i) => JSON.stringify({ productnumber: `PRD-${i}`, n: i })).join(',\n')}\n]`
)
const big = { csv, ndjson, json }

/** An XLSX sheet of ROWS rows, written by exceljs's streaming writer with inline strings. */
async function bigXlsx(): Promise<string> {
  const file = join(files.dir, 'big-stream.xlsx')
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false })
  const ws = wb.addWorksheet('Products')
  ws.addRow(['productnumber', 'n']).commit()
  for (let i = 0; i < ROWS; i++) ws.addRow([`PRD-${i}`, i]).commit()
  ws.commit()
  await wb.commit()
  return file
}

/** Bytes this process has read through read(2) so far (Linux). */
const bytesRead = (): number =>
  Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1])

/** Whether this process still holds the file open. */
function isOpen(file: string): boolean {
  return readdirSync('/proc/self/fd').some((fd) => {
    try {
      return readlinkSync(join('/proc/self/fd', fd)) === file
    } catch {
      return false
    }
  })
}

describe.skipIf(!existsSync('/proc/self/io'))('streaming large files', () => {
  it.each([...Object.entries(big), ['xlsx', '']])(
    '%s: the first row comes after reading a small part of the file; every row follows',
    async (format, given) => {
      const file = format === 'xlsx' ? await bigXlsx() : given
      const size = statSync(file).size
      expect(size).toBeGreaterThan(format === 'xlsx' ? 1_000_000 : 3_000_000) // xlsx is zipped
      const source = await openFileSource(file)
      const before = bytesRead()
      const iterator = source.rows()[Symbol.asyncIterator]()
      const first = await iterator.next()
      const atFirstRow = bytesRead() - before
      expect(first.value).toMatchObject({ row: 1, values: { productnumber: 'PRD-0' } })
      expect(atFirstRow).toBeLessThan(size / 5)
      let count = 1
      let last: unknown
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        count += 1
        last = next.value.values
      }
      expect(count).toBe(ROWS)
      expect(last).toMatchObject({ productnumber: `PRD-${ROWS - 1}` })
      // An xlsx is read by parts: the sheet, not the whole zip.
      expect(bytesRead() - before).toBeGreaterThanOrEqual(format === 'xlsx' ? size / 2 : size)
      expect(isOpen(file)).toBe(false)
    }
  )
})

describe('leaving early and cancelling', () => {
  it.each(Object.entries(big))(
    '%s: preview reads only the first rows and closes the file',
    async (_, file) => {
      const source = await openFileSource(file)
      const rows = await source.preview(3)
      expect(rows.map((r) => r.row)).toEqual([1, 2, 3])
      expect(isOpen(file)).toBe(false)
    }
  )

  it.each(Object.entries(big))(
    '%s: aborting stops the iteration with an AbortError and closes the file',
    async (_, file) => {
      const source = await openFileSource(file)
      const controller = new AbortController()
      let seen = 0
      const err = await (async () => {
        for await (const _row of source.rows({ signal: controller.signal })) {
          seen += 1
          if (seen === 100) controller.abort()
        }
      })().catch((e: unknown) => e)
      expect(err).toMatchObject({ name: 'AbortError' })
      expect(seen).toBe(100) // the next row already rejects
      await new Promise((resolve) => setImmediate(resolve))
      expect(isOpen(file)).toBe(false)
    }
  )

  it('an already aborted signal reads nothing', async () => {
    const source = await openFileSource(csv)
    const err = await source.preview(5, { signal: AbortSignal.abort() }).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError' })
  })

  it('xlsx: aborting stops a sheet of 20,000 rows promptly', async () => {
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('Products')
    ws.addRow(['productnumber', 'price'])
    for (let i = 0; i < 20_000; i++) ws.addRow([`PRD-${i}`, i])
    const file = join(files.dir, 'big.xlsx')
    await wb.xlsx.writeFile(file)
    const source: RowSource = await openFileSource(file)
    const controller = new AbortController()
    let seen = 0
    const err = await (async () => {
      for await (const _row of source.rows({ signal: controller.signal })) {
        seen += 1
        if (seen === 50) controller.abort()
      }
    })().catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError' })
    expect(seen).toBe(50)
    expect((await source.preview(2)).map((r) => r.values)).toEqual([
      { productnumber: 'PRD-0', price: 0 },
      { productnumber: 'PRD-1', price: 1 }
    ])
  })
})
