import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../../src-main/store/open'
import { startDvsync } from '../../support/fault-campaign'
import { cliOnSandbox, jsonOf, said, words, type CliFolder } from '../../support/dvsync-cli'
import type { Harness } from '../../support/sandbox-harness'

/**
 * `dvsync pull` and `dvsync changes` (shared/design/cli.md), the real command in child processes
 * against a sandbox in this process: the JSON a scheduler parses, progress on stderr, exports,
 * column selection, full resyncs, and the exit code for what can't be pulled.
 */

let harness: Harness
let cli: CliFolder
let close: (() => Promise<void>) | undefined
beforeAll(async () => {
  ;({ harness, cli, close } = await cliOnSandbox({ accounts: 5, contacts: 5, products: 40 }))
})
afterAll(() => close?.())

/** cli.md's pull document, plus `unchanged` (what a resync compared and found equal). */
const PULL_FIELDS = [
  'runId',
  'table',
  'mode',
  'created',
  'updated',
  'deleted',
  'unchanged',
  'requests',
  'durationMs',
  'export'
]
const pn = (i: number): string => `PRD-${String(i).padStart(7, '0')}`

describe('pull and changes of a table', () => {
  let initialRun: number

  it('first pull: everything, progress on stderr, one JSON document on stdout, CSV export', async () => {
    // A value a spreadsheet would run as a formula (OWASP CSV injection).
    await harness.api('PATCH', `products(productnumber='${pn(3)}')`, {
      body: { name: '=SUM(A1:A9)' }
    })
    const file = join(cli.dataDir, 'initial.csv')
    const run = await cli.run(
      words(`pull --env sb --table Product --page-size 15 --export ${file} --json`)
    )
    expect(run.code, said(run)).toBe(0)
    const result = jsonOf(run)
    expect(Object.keys(result)).toEqual(PULL_FIELDS)
    expect(result).toMatchObject({
      table: 'product',
      mode: 'initial',
      created: 40,
      updated: 0,
      deleted: 0,
      export: { file, format: 'csv', records: 40 }
    })
    expect(result.runId).toEqual(expect.any(Number))
    expect(result.durationMs).toEqual(expect.any(Number))
    // 3 pages of rows, plus the metadata the first pull reads.
    expect(result.requests).toBeGreaterThanOrEqual(4)
    initialRun = result.runId
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^product \(initial\): 1 page, 15 rows read — 15 created, 0 updated, 0 deleted — [\d,]+ rows\/s$/
      ),
      expect.stringMatching(/^product \(initial\): 2 pages, 30 rows read — 30 created/),
      expect.stringMatching(/^product \(initial\): 3 pages, 40 rows read — 40 created/)
    ])

    const csv = readFileSync(file, 'utf8')
    expect(csv.charCodeAt(0)).toBe(0xfeff) // Excel opens UTF-8 with the BOM
    const rows = parse(csv, { columns: true, bom: true }) as Record<string, string>[]
    expect(rows).toHaveLength(40)
    expect(rows.find((r) => r['key'] === pn(3))?.['name']).toBe("'=SUM(A1:A9)")
    expect(rows[0]).toMatchObject({
      change: 'created',
      key: pn(1),
      productnumber: pn(1),
      changed_columns: ''
    })
  })

  it('next pull: only the changes (one request), NDJSON export, and `changes` shows before and after', async () => {
    await harness.api('PATCH', `products(productnumber='${pn(1)}')`, { body: { price: 1234.5 } })
    await harness.api('PATCH', `products(productnumber='NEW-1')`, {
      body: { name: 'Brand new', price: 1 }
    })
    await harness.api('DELETE', `products(productnumber='${pn(2)}')`)

    const file = join(cli.dataDir, 'delta.ndjson')
    const run = await cli.run(words(`pull --env sb --table product --export ${file} --json`))
    expect(run.code, said(run)).toBe(0)
    const result = jsonOf(run)
    expect(result).toMatchObject({
      mode: 'delta',
      created: 1,
      updated: 1,
      deleted: 1,
      requests: 1,
      export: { format: 'ndjson', records: 3 }
    })

    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.map((l) => [l.change, l.key])).toEqual([
      ['updated', pn(1)],
      ['created', 'NEW-1'],
      ['deleted', pn(2)]
    ])
    expect(lines[0].changedColumns).toContain('price')
    expect(lines[0].values.price).toBe(1234.5)
    expect(lines[2].values.productnumber).toBe(pn(2)) // a delete carries its last values

    const [changes, text, earlier] = await Promise.all([
      cli.run(words('changes --env sb --table product --json')),
      cli.run(words('changes --env sb --table product')),
      cli.run(words(`changes --env sb --table product --run ${String(initialRun)} --json`))
    ])
    for (const r of [changes, text, earlier]) expect(r.code, said(r)).toBe(0)
    const shown = jsonOf(changes)
    expect(shown).toMatchObject({ runId: result.runId, table: 'product', mode: 'delta' })
    const [updated, created, deleted] = shown.changes
    expect(updated).toMatchObject({
      change: 'updated',
      key: pn(1),
      columns: { price: { from: expect.any(Number), to: 1234.5 } }
    })
    expect(updated.columns.price.from).not.toBe(1234.5)
    expect(updated.columns.name).toBeUndefined() // an update lists only what changed
    expect(created).toMatchObject({
      change: 'created',
      key: 'NEW-1',
      columns: { name: { from: null, to: 'Brand new' } }
    })
    expect(deleted).toMatchObject({
      change: 'deleted',
      key: pn(2),
      columns: { productnumber: { from: pn(2), to: null } }
    })
    // Without --run: the last pull that changed something, said first (issue 12, item 8).
    expect(text.stdout).toMatch(
      new RegExp(
        `^Changes of pull ${String(result.runId)} \\(delta, [^)]+\\), the last pull of product that changed something:\nchange\\s+key\\s+id\\s+columns\n`
      )
    )
    expect(text.stdout).toMatch(
      new RegExp(`\\nupdated\\s+${pn(1)}\\s+[0-9a-f-]{36}\\s+.*price: [\\d.]+ → 1234\\.5`)
    )
    expect(jsonOf(earlier).changes).toHaveLength(40)
  })

  it('--columns mirrors only those (and the key), --full compares every row, a new column resyncs', async () => {
    const first = await cli.run(words('pull --env sb --table account --columns name --json'))
    expect(first.code, said(first)).toBe(0)
    expect(jsonOf(first)).toMatchObject({ mode: 'initial', created: 5 })
    const items = jsonOf(await cli.run(words('changes --env sb --table account --json'))).changes
    expect(Object.keys(items[0].columns).sort()).toEqual(['accountid', 'accountnumber', 'name'])

    const full = await cli.run(words('pull --env sb --table account --full --json'))
    expect(full.code, said(full)).toBe(0)
    expect(jsonOf(full)).toMatchObject({
      mode: 'resync',
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 5,
      message: 'A full pull was requested: every row was compared with the mirror.'
    })
    const wider = await cli.run(words('pull --env sb --table account --columns name,telephone1'))
    expect(wider.code, said(wider)).toBe(0)
    // Same ETags, but the records that have a telephone number are journaled as updated (the new
    // column filled in), so an export hands the column to the external system.
    expect(wider.stdout).toMatch(
      /^The mirrored columns changed \(added telephone1\), so the whole table was read again to fill them\.\nPulled account \(resync, run \d+\): 0 created, 5 updated, 0 deleted in [\d,]+ ms with [\d,]+ requests\.\n$/
    )
    const store = openStore(cli.dataDir)
    try {
      const environment = store.environments.byName('sb')!
      const mirror = store.mirrors.find(environment.id, 'account')!
      expect(mirror.columns.sort()).toEqual(['accountnumber', 'name', 'telephone1'])
      const rows = [...store.mirrors.rows(mirror).iterate()].map((r) => JSON.parse(r.data))
      expect(rows.every((r) => typeof r.telephone1 === 'string')).toBe(true)
    } finally {
      store.close()
    }
  })
})

describe('what cannot be pulled: exit 2, nothing changed', () => {
  it('an unknown table or column, a run that is not a pull of it', async () => {
    const [table, column, never, wrongRun, notRun, noFolder] = await Promise.all([
      cli.run(words('pull --env sb --table nosuch --json')),
      cli.run(words('pull --env sb --table contact --columns fullname,nosuchcolumn')),
      cli.run(words('changes --env sb --table contact')),
      cli.run(words('changes --env sb --table contact --run 1')),
      cli.run(words('changes --env sb --table contact --run latest')),
      cli.run(words('pull --env sb --table contact --export /nonexistent-dvsync/x.csv'))
    ])
    expect(notRun.code, said(notRun)).toBe(2)
    expect(notRun.stderr).toMatch(
      /--run takes a run id, a whole number such as 12 \(got 'latest'\)/
    )
    expect(table.code, said(table)).toBe(2)
    expect(jsonOf(table).error.message).toBe(
      "There is no table 'nosuch' in this environment (Dataverse: Could not find an entity with LogicalName = 'nosuch'.). List the tables with: dvsync tables --env sb"
    )
    expect(column.code, said(column)).toBe(2)
    expect(column.stderr).toMatch(/Table 'contact' has no column 'nosuchcolumn'\./)
    expect(never.code, said(never)).toBe(2)
    expect(never.stderr).toMatch(
      /No pull of contact in sb yet\. Run: dvsync pull --env sb --table contact/
    )
    expect(wrongRun.code, said(wrongRun)).toBe(2)
    expect(wrongRun.stderr).toMatch(/Run 1 is not a pull of contact in sb\./)
    // Checked before pulling: once the mirror moves on, these changes would not come again.
    expect(noFolder.code, said(noFolder)).toBe(2)
    expect(noFolder.stderr).toMatch(
      /--export \/nonexistent-dvsync\/x\.csv: the folder \/nonexistent-dvsync does not exist or can't be written; nothing was pulled\./
    )
    for (const run of [table, column, noFolder]) expect(run.stderr).not.toMatch(/ rows read /)
  })
})

// Issue 19 item 3: a `pull --export` killed after committing pages put those changes in the
// mirror, so the next pull found them unchanged and no export ever held them. The export of a
// pull holds every change since the last complete export, and says which earlier runs it covers.
describe('pull --export after a killed pull --export', () => {
  /** Changes 20 products, then SIGKILLs a `pull --export` once it has committed 3 pages. */
  async function killedExport(tag: string, file: string): Promise<void> {
    for (let i = 10; i < 30; i++)
      await harness.api('PATCH', `products(productnumber='${pn(i)}')`, {
        body: { name: `${tag} ${i}` }
      })
    harness.sandbox.controls.faults.configure({ latencyMs: 60 })
    try {
      const args = ['pull', '--env', 'sb', '--table', 'product', '--page-size', '1']
      const killed = startDvsync([...args, '--export', file, '--data-dir', cli.dataDir])
      await killed.waitFor(/product \(delta\): 3 pages/)
      killed.child.kill('SIGKILL')
      expect((await killed.exited).signal).toBe('SIGKILL')
    } finally {
      harness.sandbox.controls.faults.configure({ latencyMs: 0 })
    }
    expect(existsSync(file)).toBe(false)
  }

  it('the next export holds the killed run’s changes too, and says so in --json and the run’s details', async () => {
    await killedExport('Killed once', join(cli.dataDir, 'killed-1.csv'))
    const file = join(cli.dataDir, 'after-kill.csv')
    const run = await cli.run(words(`pull --env sb --table product --export ${file} --json`))
    expect(run.code, said(run)).toBe(0)
    const result = jsonOf(run)
    const killedRun = result.export.earlierRuns[0]?.runId
    expect(result.export).toMatchObject({
      file,
      records: 20,
      runs: [killedRun, result.runId],
      earlierRuns: [{ runId: expect.any(Number), status: 'interrupted', records: 3 }]
    })
    // This pull found only what the killed one had not committed.
    expect(result.updated).toBe(17)
    const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<
      string,
      string
    >[]
    expect(new Set(rows.map((r) => r['key']))).toEqual(
      new Set(Array.from({ length: 20 }, (_, i) => pn(i + 10)))
    )
    for (const row of rows) expect(row['name']).toBe(`Killed once ${Number(row['key']!.slice(-2))}`)
    const store = openStore(cli.dataDir)
    try {
      expect(store.runs.get(result.runId)?.details['export']).toMatchObject({
        file,
        records: 20,
        runs: [killedRun, result.runId],
        earlier: [{ runId: killedRun, status: 'interrupted', records: 3 }]
      })
    } finally {
      store.close()
    }
    // Complete, so the next export starts after it: nothing earlier, nothing said about it.
    const next = await cli.run(
      words(`pull --env sb --table product --export ${join(cli.dataDir, 'quiet.csv')} --json`)
    )
    expect(jsonOf(next).export).toMatchObject({
      records: 0,
      runs: [jsonOf(next).runId],
      earlierRuns: []
    })
  })

  it('the text says which earlier runs the file covers', async () => {
    await killedExport('Killed twice', join(cli.dataDir, 'killed-2.csv'))
    const file = join(cli.dataDir, 'after-kill.ndjson')
    const run = await cli.run(words(`pull --env sb --table product --export ${file}`))
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).toMatch(
      new RegExp(
        `^Exported 20 changes to ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\. It includes 3 from earlier pulls whose changes no complete export had yet: run \\d+ \\(interrupted, 3\\)\\.$`,
        'm'
      )
    )
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    expect(lines).toHaveLength(20)
  })
})

describe('a table without change tracking', () => {
  it('is pulled by a full compare that says so, in text and in JSON, and its changes are shown', async () => {
    // The demo's dvs_warehouse starts with change tracking off.
    const first = await cli.run(words('pull --env sb --table dvs_warehouse'))
    expect(first.code, said(first)).toBe(0)
    expect(first.stdout).toContain(
      'Change tracking is off for dvs_warehouse: read all 12 rows and compared them with the mirror (slower than a delta; turn on tracking with: dvsync tracking enable --env sb --table dvs_warehouse, to pull only changes).'
    )
    expect(first.stdout).toMatch(
      /Pulled dvs_warehouse \(full compare, no change tracking, run \d+\): 12 created, 0 updated, 0 deleted/
    )
    expect(first.stderr).toMatch(
      /dvs_warehouse \(full compare, no change tracking\): 1 page, 12 rows read/
    )

    const gone = (
      await harness.api(
        'GET',
        "dvs_warehouses?$select=dvs_warehouseid&$filter=dvs_code eq 'WH-005'"
      )
    ).json.value[0].dvs_warehouseid as string
    await harness.api('DELETE', `dvs_warehouses(${gone})`)
    const file = join(cli.dataDir, 'warehouses.csv')
    const second = await cli.run(
      words(`pull --env sb --table dvs_warehouse --export ${file} --json`)
    )
    expect(second.code, said(second)).toBe(0)
    const result = jsonOf(second)
    expect(Object.keys(result)).toEqual([...PULL_FIELDS, 'message'])
    expect(result).toMatchObject({
      table: 'dvs_warehouse',
      mode: 'compare',
      created: 0,
      updated: 0,
      deleted: 1,
      unchanged: 11,
      export: { file, format: 'csv', records: 1 },
      message: expect.stringMatching(/^Change tracking is off for dvs_warehouse: read all 11 rows/)
    })

    const changes = await cli.run(words('changes --env sb --table dvs_warehouse --json'))
    expect(changes.code, said(changes)).toBe(0)
    expect(jsonOf(changes)).toMatchObject({
      runId: result.runId,
      mode: 'compare',
      changes: [{ change: 'deleted', id: gone }]
    })
    expect(jsonOf(changes).changes).toHaveLength(1)
    // The export hands the delete on like any pull's.
    const exported = parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<
      string,
      string
    >[]
    expect(exported).toHaveLength(1)
    expect(exported[0]).toMatchObject({ change: 'deleted', id: gone, dvs_code: 'WH-005' })
  })
})
