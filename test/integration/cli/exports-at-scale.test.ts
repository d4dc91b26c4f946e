import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliFolder } from '../../support/dvsync-cli'
import type { Harness } from '../../support/sandbox-harness'

/**
 * Exports at the scale where they lost rows (issue 19, item 1): `pull --export x.csv` said
 * "Exported 20,000 changes" and the file held 19,977, because the file was closed and renamed
 * before the CSV writer had flushed into it. Every file here is read back with a CSV parser and
 * counted, and its last record checked, since that is the one a short file loses.
 */

const ROWS = 20_000
let harness: Harness
let cli: CliFolder
let close: (() => Promise<void>) | undefined
beforeAll(async () => {
  ;({ harness, cli, close } = await cliOnSandbox({ accounts: 1, contacts: 1, products: ROWS }))
}, 120_000)
afterAll(() => close?.())

const pn = (i: number): string => `PRD-${String(i).padStart(7, '0')}`
const csvRecords = (file: string): Record<string, string>[] =>
  parse(readFileSync(file), { bom: true, columns: true, skip_empty_lines: true })

describe('CSV exports hold every record they count', () => {
  it(`pull --export of ${ROWS.toLocaleString('en')} created products`, async () => {
    const file = join(cli.dataDir, 'initial.csv')
    const run = await cli.run(words(`pull --env sb --table product --export ${file} --json`), {
      timeoutMs: 120_000
    })
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ created: ROWS, export: { records: ROWS } })
    const records = csvRecords(file)
    expect(records).toHaveLength(ROWS)
    expect(new Set(records.map((r) => r['id'])).size).toBe(ROWS)
    expect(records.every((r) => r['change'] === 'created')).toBe(true)
  }, 150_000)

  it('pull --export of a delta of 100 updates', async () => {
    for (let i = 1; i <= 100; i++)
      await harness.api('PATCH', `products(productnumber='${pn(i * 97)}')`, {
        body: { name: `Renamed ${i}` }
      })
    const file = join(cli.dataDir, 'delta.csv')
    const run = await cli.run(words(`pull --env sb --table product --export ${file} --json`))
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ updated: 100, export: { records: 100 } })
    const records = csvRecords(file)
    expect(records).toHaveLength(100)
    expect(new Set(records.map((r) => r['name']))).toEqual(
      new Set(Array.from({ length: 100 }, (_, i) => `Renamed ${i + 1}`))
    )
  }, 60_000)

  it(`plan --export of a ${ROWS.toLocaleString('en')}-row source`, async () => {
    const source = join(cli.dataDir, 'products.csv')
    const lines = ['Code,Name']
    for (let i = 1; i <= ROWS; i++) lines.push(`${pn(i)},Product ${i} (new name)`)
    writeFileSync(source, `${lines.join('\n')}\n`)
    const file = join(cli.dataDir, 'plan.csv')
    const run = await cli.run(
      [
        ...words(`plan --env sb --table product --source ${source}`),
        ...words(`--map Code=productnumber,Name=name --export ${file} --json`)
      ],
      { timeoutMs: 120_000 }
    )
    expect(run.code, said(run)).toBe(0)
    const records = csvRecords(file)
    expect(records).toHaveLength(ROWS)
    expect(records.at(-1)).toMatchObject({ row: String(ROWS), key: pn(ROWS), action: 'update' })
  }, 150_000)
})
