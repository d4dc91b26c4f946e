import { createWriteStream, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { fmt, runChild, tempDir, type Measurement } from './harness'

interface ReadResult {
  rows: number
  errors: number
  ms: number
  firstRowMs: number
  maxRssMB: number
}

/** Peak RSS a streaming reader may reach: far below what a 1,000,000-row file held whole takes. */
const TEXT_RSS_MB = 200
const XLSX_RSS_MB = 400

/**
 * Reading sources (issue 5, Sources): a 1,000,000-row CSV, NDJSON and JSON file and a
 * 100,000-row XLSX sheet, each read to the end in its own process — rows/s, time to the first
 * row, and peak RSS, which shows the file is streamed rather than loaded.
 */
export async function sourceScenarios(): Promise<Measurement[]> {
  const dir = tempDir()
  try {
    const files = {
      csv: await writeLines(
        join(dir, 'products.csv'),
        1_000_000,
        csvLine,
        'productnumber,name,price,description\n'
      ),
      ndjson: await writeLines(
        join(dir, 'products.ndjson'),
        1_000_000,
        (i) => `${JSON.stringify(item(i))}\n`
      ),
      json: await writeLines(
        join(dir, 'products.json'),
        1_000_000,
        (i) => `${i ? ',' : ''}\n${JSON.stringify(item(i))}`,
        '[',
        '\n]\n'
      ),
      xlsx: await writeXlsx(join(dir, 'products.xlsx'), 100_000)
    }
    const rows: Measurement[] = []
    for (const [format, { file, count }] of Object.entries(files)) {
      const result = await runChild<ReadResult>('read-source.mts', { FILE: file })
      const limit = format === 'xlsx' ? XLSX_RSS_MB : TEXT_RSS_MB
      const scenario = `source ${format} ${fmt(count, 0)} rows (${fmt(statSync(file).size / 2 ** 20, 0)} MB)`
      rows.push(
        {
          scenario,
          measure: 'read every row',
          value: `${fmt(result.ms / 1000)} s, ${fmt((result.rows / result.ms) * 1000, 0)} rows/s, first row ${fmt(result.firstRowMs, 0)} ms`,
          target: `${fmt(count, 0)} rows, no error rows`,
          ok: result.rows === count && result.errors === 0
        },
        {
          scenario,
          measure: 'peak RSS of the reader',
          value: `${fmt(result.maxRssMB, 0)} MB`,
          target: `< ${limit} MB`,
          ok: result.maxRssMB < limit
        }
      )
    }
    return rows
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const item = (i: number) => ({
  productnumber: `PRD-${String(i).padStart(7, '0')}`,
  name: i % 10 === 0 ? `O'Brien "Special" ${i}` : `Product ${i} – Zoë`,
  price: (i % 1000) + 0.99,
  description: i % 7 === 0 ? 'Line one, with a comma\nline two' : 'Plain description'
})

function csvLine(i: number): string {
  const { productnumber, name, price, description } = item(i)
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)
  return `${productnumber},${quote(name)},${price},${quote(description)}\n`
}

async function writeLines(
  file: string,
  count: number,
  line: (i: number) => string,
  head = '',
  tail = ''
): Promise<{ file: string; count: number }> {
  const out = createWriteStream(file)
  const write = (text: string) =>
    new Promise<void>((resolve, reject) =>
      out.write(text, (err) => (err ? reject(err) : resolve()))
    )
  await write(head)
  for (let start = 0; start < count; start += 10_000) {
    let chunk = ''
    for (let i = start; i < Math.min(count, start + 10_000); i++) chunk += line(i)
    await write(chunk)
  }
  await write(tail)
  await new Promise<void>((resolve) => out.end(resolve))
  return { file, count }
}

/** exceljs's streaming writer, so generating the sheet does not hold it either. */
async function writeXlsx(file: string, count: number): Promise<{ file: string; count: number }> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true })
  const ws = wb.addWorksheet('Products')
  ws.addRow(['productnumber', 'name', 'price', 'description', 'launched']).commit()
  for (let i = 0; i < count; i++) {
    const { productnumber, name, price, description } = item(i)
    ws.addRow([
      productnumber,
      name,
      price,
      description,
      new Date(Date.UTC(2024, 0, 1 + (i % 365)))
    ]).commit()
  }
  ws.commit()
  await wb.commit()
  return { file, count }
}
