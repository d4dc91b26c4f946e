import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportRunReport } from '../../../src-main/reports/index'
import { openStore, type Store } from '../../../src-main/store/open'

/**
 * A 100,000-record run exported in every streamed format without holding it in memory. The run
 * is written straight through the store's repositories (a real pull of 100,000 rows from the
 * sandbox would take most of the suite's time budget and test the pull, not the report).
 */

const RECORDS = 100_000
const COLUMNS = ['name', 'description', 'price', 'quantityonhand', 'vendorname', 'producttypecode']

let dir: string
let store: Store
let runId: number
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvsync-large-report-'))
  store = openStore(dir)
  const env = store.environments.add({
    name: 'big',
    url: 'https://big.crm.dynamics.com',
    authKind: 'env-token'
  })
  runId = store.runs.start({
    kind: 'pull',
    mode: 'delta',
    environmentId: env.id,
    environmentName: env.name,
    tableName: 'product',
    account: 'token from DVSYNC_ACCESS_TOKEN',
    details: { columns: COLUMNS }
  })
  const filler = 'x'.repeat(120)
  const write = store.db.transaction((from: number) => {
    for (let seq = from; seq < from + 5000; seq++) {
      const before = {
        productid: `id-${seq}`,
        name: `Product ${seq}`,
        description: `${filler} ${seq}`,
        price: seq / 100,
        quantityonhand: seq % 500,
        vendorname: `Vendor ${seq % 50}`,
        producttypecode: 1
      }
      // Every seventh new name is a formula an attacker typed into Dataverse.
      const name = seq % 7 === 0 ? `=cmd|' /C calc'!A${seq}` : `Product ${seq} (renamed)`
      const after = { ...before, name, price: seq / 50 }
      store.runs.addItem(runId, {
        seq,
        recordId: `id-${seq}`,
        recordKey: `PRD-${String(seq).padStart(7, '0')}`,
        action: 'updated',
        before: JSON.stringify(before),
        after: JSON.stringify(after)
      })
    }
  })
  for (let from = 1; from <= RECORDS; from += 5000) write(from)
  store.runs.progress(
    runId,
    { created: 0, updated: RECORDS, deleted: 0, unchanged: 0 },
    { requests: 21 }
  )
  store.runs.finish(runId, 'completed')
})
afterAll(() => {
  store?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Watches an export: the partial file's size half-way, the heap, and a write to the store. */
function watch(file: string) {
  const partial = `${file}.partial-${process.pid}`
  const base = process.memoryUsage().heapUsed
  const seen = { halfwayBytes: 0, peakHeapGrowth: 0, wroteMidway: false }
  return {
    seen,
    onRecord(n: number) {
      if (n % 5000 === 0)
        seen.peakHeapGrowth = Math.max(seen.peakHeapGrowth, process.memoryUsage().heapUsed - base)
      if (n === RECORDS / 2) {
        seen.halfwayBytes = statSync(partial).size
        // The app shares one connection: a report must never hold it (no statement left open).
        store.runs.progress(
          runId,
          { created: 0, updated: RECORDS, deleted: 0, unchanged: 0 },
          { requests: 21 }
        )
        seen.wroteMidway = true
      }
    }
  }
}

describe('a 100,000-record run', () => {
  it('CSV: written progressively, every record, bounded memory, formulas neutralised', async () => {
    const file = join(dir, 'big.csv')
    const w = watch(file)
    const result = await exportRunReport(store, runId, file, { onRecord: w.onRecord })
    expect(result).toMatchObject({ records: RECORDS, totalRecords: RECORDS })
    expect(w.seen.wroteMidway).toBe(true)
    // Half the records in, about half the file is on disk: rows go out as they are read.
    expect(w.seen.halfwayBytes / result.bytes).toBeGreaterThan(0.35)
    expect(w.seen.peakHeapGrowth).toBeLessThan(64 * 1024 * 1024)
    let rows = 0
    let formulas = 0
    const parser = createReadStream(file).pipe(parse({ bom: true, columns: true }))
    for await (const row of parser as AsyncIterable<Record<string, string>>) {
      rows += 1
      if (row['name after']!.startsWith("'=cmd")) formulas += 1
      expect(row['name after']).not.toMatch(/^=/)
      expect(row['changed_columns']).toBe('name;price')
    }
    expect(rows).toBe(RECORDS)
    expect(formulas).toBe(Math.floor(RECORDS / 7))
  })

  it('JSON: the whole run, streamed; HTML: the first records and a note saying so', async () => {
    const json = join(dir, 'big.json')
    const w = watch(json)
    const result = await exportRunReport(store, runId, json, { onRecord: w.onRecord })
    expect(result.records).toBe(RECORDS)
    expect(result.bytes).toBeGreaterThan(64 * 1024 * 1024)
    expect(w.seen.halfwayBytes / result.bytes).toBeGreaterThan(0.35)
    // Far less than the file (over 64 MB): the run was never held in memory.
    expect(w.seen.peakHeapGrowth).toBeLessThan(32 * 1024 * 1024)
    const tail = readFileSync(json, { encoding: 'utf8' }).slice(-2000)
    expect(tail).toMatch(/"seq":100000,.*\n {2}\]\n\}\n$/s)

    const html = join(dir, 'big.html')
    const page = await exportRunReport(store, runId, html)
    expect(page).toMatchObject({ records: 2000, totalRecords: RECORDS })
    const text = readFileSync(html, 'utf8')
    expect(text).toContain('This run has 100,000 records; this page shows the first 2,000 in order')
    expect(text.match(/<tr data-action=/g)).toHaveLength(2000)
  })
})
