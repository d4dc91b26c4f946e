import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { exportPullChanges } from '../../../src-main/sync/export-changes'
import { mirrorRows, pullFixture, sandboxRows, type PullFixture } from '../../support/pull-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// The pull engine against the sandbox over HTTP, with a real SQLite data folder.

let harness: Harness
let fixture: PullFixture

beforeAll(async () => {
  harness = await startHarness({ products: 650, accounts: 20, contacts: 40 })
})
afterAll(() => harness.close())
afterEach(() => fixture?.close())

const patch = (path: string, body: object) => harness.api('PATCH', path, { body })
const del = (path: string) => harness.api('DELETE', path)

async function expectMirrorEqualsSandbox(
  table = 'product',
  set = 'products',
  primaryId = 'productid'
): Promise<void> {
  const mirror = fixture.store.mirrors.find(fixture.environment.id, table)!
  const expected = await sandboxRows(harness, set, primaryId, mirror.columns)
  const actual = mirrorRows(fixture, table)
  expect(actual.size).toBe(expected.size)
  for (const [id, values] of expected) expect(actual.get(id), `row ${id}`).toEqual(values)
}

describe('pull: initial and delta (reference §1.2, §1.3)', () => {
  it('mirrors every row first, then only what was created, updated or deleted, across several pages', async () => {
    fixture = pullFixture(harness)
    const first = await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      maxPageSize: 100
    })
    expect(first).toMatchObject({ mode: 'initial', created: 650, updated: 0, deleted: 0 })
    await expectMirrorEqualsSandbox()

    for (let i = 1; i <= 120; i++)
      await patch(`products(productnumber='PRD-${String(i).padStart(7, '0')}')`, {
        price: 1000 + i
      })
    for (let i = 1; i <= 110; i++)
      await patch(`products(productnumber='NEW-${i}')`, { name: `New product ${i}`, price: i })
    for (let i = 200; i < 305; i++)
      await del(`products(productnumber='PRD-${String(i).padStart(7, '0')}')`)

    const second = await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      maxPageSize: 100
    })
    expect(second).toMatchObject({ mode: 'delta', created: 110, updated: 120, deleted: 105 })
    // A delta reads only the changes: 335 of them at 100 a page is 4 requests, no metadata.
    expect(second.requests).toBe(4)
    await expectMirrorEqualsSandbox()

    const items = [...fixture.store.runs.items(second.runId)]
    const updated = items.find((i) => i.recordKey === 'PRD-0000007')!
    expect(updated.action).toBe('updated')
    expect(updated.after?.['price']).toBe(1007)
    expect(updated.before?.['price']).not.toBe(1007)
    const deleted = items.find((i) => i.recordKey === 'PRD-0000250')!
    expect(deleted.action).toBe('deleted')
    expect(deleted.before?.['productnumber']).toBe('PRD-0000250')

    const third = await fixture.engine.run({ environment: fixture.environment, table: 'product' })
    expect(third).toMatchObject({ mode: 'delta', created: 0, updated: 0, deleted: 0, requests: 1 })
  })

  it('ignores a record created and deleted between two pulls (it was never mirrored)', async () => {
    fixture = pullFixture(harness)
    await fixture.engine.run({ environment: fixture.environment, table: 'account' })
    await patch("accounts(accountnumber='TEMP-1')", { name: 'Short-lived' })
    await del("accounts(accountnumber='TEMP-1')")
    const delta = await fixture.engine.run({ environment: fixture.environment, table: 'account' })
    expect(delta).toMatchObject({ mode: 'delta', created: 0, deleted: 0 })
    await expectMirrorEqualsSandbox('account', 'accounts', 'accountid')
  })
})

describe('pull: tokens that can no longer be used (reference §1.7)', () => {
  it('resyncs after the token expired, and still finds the records deleted meanwhile', async () => {
    fixture = pullFixture(harness)
    await fixture.engine.run({ environment: fixture.environment, table: 'contact' })
    const victims = (await harness.api('GET', 'contacts?$select=employeeid&$top=3')).json.value as {
      employeeid: string
    }[]
    for (const v of victims) await del(`contacts(employeeid='${v.employeeid}')`)
    await patch(`contacts(employeeid='E-00030')`, { jobtitle: 'Chief Tester' })
    harness.sandbox.controls.advanceClock(8 * 86_400_000)
    const result = await fixture.engine.run({ environment: fixture.environment, table: 'contact' })
    expect(result.mode).toBe('resync')
    expect(result.message).toMatch(/expired/)
    expect(result).toMatchObject({ deleted: 3, updated: 1, created: 0 })
    const deletedKeys = [...fixture.store.runs.items(result.runId)]
      .filter((i) => i.action === 'deleted')
      .map((i) => i.recordKey)
    expect(deletedKeys.sort()).toEqual(victims.map((v) => v.employeeid).sort())
    await expectMirrorEqualsSandbox('contact', 'contacts', 'contactid')
    // The new token works again as a delta.
    expect(
      (await fixture.engine.run({ environment: fixture.environment, table: 'contact' })).mode
    ).toBe('delta')
  })

  it('resyncs when the stored delta link is refused', async () => {
    fixture = pullFixture(harness)
    await fixture.engine.run({ environment: fixture.environment, table: 'account' })
    const mirror = fixture.store.mirrors.find(fixture.environment.id, 'account')!
    fixture.store.mirrors.saveDeltaLink(
      mirror.id,
      mirror.deltaLink!.replace(/deltatoken=\d+/, 'deltatoken=garbled'),
      new Date().toISOString()
    )
    const result = await fixture.engine.run({ environment: fixture.environment, table: 'account' })
    expect(result.mode).toBe('resync')
    expect(result.message).toMatch(/refused/)
  })
})

describe('pull: columns and refusals', () => {
  it('reads the whole table again when a column is added, and says so', async () => {
    fixture = pullFixture(harness)
    await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      columns: ['name', 'price']
    })
    expect(fixture.store.mirrors.find(fixture.environment.id, 'product')!.columns.sort()).toEqual([
      'name',
      'price',
      'productnumber'
    ])
    const widened = await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      columns: ['name', 'price', 'vendorname']
    })
    expect(widened.mode).toBe('resync')
    expect(widened.message).toMatch(/added vendorname/)
    // Records with a value in the new column are journaled as updated (before without it, after
    // with it), so an export carries the new column to the external system.
    const withVendor = [...mirrorRows(fixture, 'product').values()].filter(
      (r) => r['vendorname'] != null
    )
    expect(withVendor.length).toBeGreaterThan(0)
    expect(widened.updated).toBe(withVendor.length)
    const item = [...fixture.store.runs.items(widened.runId)].find((i) => i.action === 'updated')!
    expect(item.before).not.toHaveProperty('vendorname')
    expect(item.after?.['vendorname']).toEqual(expect.any(String))
  })

  it('names an unknown column and where to list the real ones', async () => {
    fixture = pullFixture(harness)
    await expect(
      fixture.engine.run({ environment: fixture.environment, table: 'product', columns: ['nmae'] })
    ).rejects.toThrow(/no column 'nmae'.*dvsync columns/)
  })
})

describe('pull: service faults (reference §6)', () => {
  it('survives 429 and 503 storms with every row arriving once', async () => {
    fixture = pullFixture(harness)
    harness.sandbox.controls.faults.configure({
      script: [
        { kind: 'throttle', count: 4, retryAfterSeconds: 0, match: 'GET /api/data/v9.2/products' },
        { kind: 'fail-503', count: 3, match: 'GET /api/data/v9.2/products' },
        { kind: 'drop-mid-response', count: 2, match: 'GET /api/data/v9.2/products' }
      ]
    })
    try {
      const result = await fixture.engine.run({
        environment: fixture.environment,
        table: 'product',
        maxPageSize: 200
      })
      expect(result.created).toBe(
        (await sandboxRows(harness, 'products', 'productid', ['name'])).size
      )
      const run = fixture.store.runs.get(result.runId)!
      expect(run.figures['throttled']).toBe(4)
      expect(run.figures['retries']).toBeGreaterThanOrEqual(5)
      expect(fixture.store.runs.itemCount(result.runId)).toBe(result.created)
      await expectMirrorEqualsSandbox()
    } finally {
      harness.sandbox.controls.faults.configure({ script: [] })
    }
  })
})

describe('pull: export of a pull’s changes', () => {
  it('writes created, updated and deleted records as CSV and NDJSON, formulas neutralised', async () => {
    fixture = pullFixture(harness)
    await fixture.engine.run({ environment: fixture.environment, table: 'account' })
    await patch("accounts(accountnumber='ACC-00002')", {
      name: '=HYPERLINK("http://evil")',
      address1_latitude: -5,
      telephone1: '+1 555 0100'
    })
    await patch("accounts(accountnumber='CSV-1')", { name: 'Comma, "quoted" and\nnewline' })
    await del("accounts(accountnumber='ACC-00003')")
    const delta = await fixture.engine.run({ environment: fixture.environment, table: 'account' })
    const csvFile = join(fixture.dataDir, 'changes.csv')
    const ndjsonFile = join(fixture.dataDir, 'changes.ndjson')
    expect(await exportPullChanges(fixture.store, delta.runId, csvFile)).toMatchObject({
      records: 3,
      format: 'csv'
    })
    await exportPullChanges(fixture.store, delta.runId, ndjsonFile)

    const rows = parse(readFileSync(csvFile), { columns: true, bom: true }) as Record<
      string,
      string
    >[]
    const byKey = new Map(rows.map((r) => [r['key'], r]))
    // Text that a spreadsheet would run is neutralised; a negative number stays a number.
    expect(byKey.get('ACC-00002')).toMatchObject({
      change: 'updated',
      name: `'=HYPERLINK("http://evil")`,
      telephone1: `'+1 555 0100`,
      address1_latitude: '-5'
    })
    expect(byKey.get('ACC-00002')!['changed_columns']!.split(';').sort()).toEqual([
      'address1_latitude',
      'modifiedon',
      'name',
      'telephone1',
      'versionnumber'
    ])
    expect(byKey.get('CSV-1')).toMatchObject({
      change: 'created',
      name: 'Comma, "quoted" and\nnewline'
    })
    expect(byKey.get('ACC-00003')).toMatchObject({ change: 'deleted', accountnumber: 'ACC-00003' })

    const lines = readFileSync(ndjsonFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.map((l) => l['change']).sort()).toEqual(['created', 'deleted', 'updated'])
    const update = lines.find((l) => l['change'] === 'updated')!
    expect(update['values']).toMatchObject({
      name: '=HYPERLINK("http://evil")',
      address1_latitude: -5
    })
    expect(update['changedColumns']).toContain('address1_latitude')
  })
})

describe('pull: a table without change tracking (full compare)', () => {
  it('mirrors it by reading every row and comparing, and moves to deltas once tracking is on', async () => {
    // The demo's dvs_warehouse starts with change tracking off, as a new custom table does.
    const local = await startHarness({ products: 5, accounts: 2, contacts: 2 })
    try {
      fixture = pullFixture(local)
      const pull = () =>
        fixture.engine.run({ environment: fixture.environment, table: 'dvs_warehouse' })
      const codes = async () =>
        new Map(
          (
            (await local.api('GET', 'dvs_warehouses?$select=dvs_code,dvs_warehouseid')).json
              .value as { dvs_code: string; dvs_warehouseid: string }[]
          ).map((w) => [w.dvs_code, w.dvs_warehouseid])
        )
      const expectMirrorEqualsWarehouses = async () => {
        const mirror = fixture.store.mirrors.find(fixture.environment.id, 'dvs_warehouse')!
        const expected = await sandboxRows(
          local,
          'dvs_warehouses',
          'dvs_warehouseid',
          mirror.columns
        )
        const actual = mirrorRows(fixture, 'dvs_warehouse')
        expect(actual.size).toBe(expected.size)
        for (const [id, values] of expected) expect(actual.get(id), `row ${id}`).toEqual(values)
      }

      const first = await pull()
      expect(first).toMatchObject({ mode: 'compare', created: 12, updated: 0, deleted: 0 })
      expect(first.message).toBe(
        'Change tracking is off for dvs_warehouse: read all 12 rows and compared them with the mirror (slower than a delta; turn on tracking with: dvsync tracking enable --env sandbox --table dvs_warehouse, to pull only changes).'
      )
      expect([...fixture.store.runs.items(first.runId)]).toHaveLength(12)
      await expectMirrorEqualsWarehouses()
      // No delta link: there is none without tracking.
      expect(fixture.store.mirrors.find(fixture.environment.id, 'dvs_warehouse')).toMatchObject({
        deltaLink: null,
        rowCount: 12
      })

      const ids = await codes()
      await local.api('POST', 'dvs_warehouses', {
        body: { dvs_name: 'Tacoma annex', dvs_code: 'WH-100', dvs_city: 'Tacoma' }
      })
      await local.api('PATCH', `dvs_warehouses(${ids.get('WH-003')})`, {
        body: { dvs_capacity: 777 }
      })
      await local.api('DELETE', `dvs_warehouses(${ids.get('WH-007')})`)

      const second = await pull()
      expect(second).toMatchObject({
        mode: 'compare',
        created: 1,
        updated: 1,
        deleted: 1,
        unchanged: 10
      })
      // Only the three changes are journaled, as `dvsync changes` and exports show them.
      const items = [...fixture.store.runs.items(second.runId)]
      expect(items.map((i) => [i.action, i.recordId]).sort()).toEqual(
        [
          ['created', (await codes()).get('WH-100')],
          ['deleted', ids.get('WH-007')],
          ['updated', ids.get('WH-003')]
        ].sort()
      )
      const updated = items.find((i) => i.action === 'updated')!
      expect(updated.after?.['dvs_capacity']).toBe(777)
      expect(updated.before?.['dvs_capacity']).not.toBe(777)
      expect(items.find((i) => i.action === 'deleted')!.before?.['dvs_code']).toBe('WH-007')
      await expectMirrorEqualsWarehouses()

      const quiet = await pull()
      expect(quiet).toMatchObject({ mode: 'compare', created: 0, updated: 0, deleted: 0 })
      expect([...fixture.store.runs.items(quiet.runId)]).toHaveLength(0)

      // Tracking turned on: one tracked read of everything, compared (nothing is new), then deltas.
      await fixture.client.metadata.enableChangeTracking('dvs_warehouse')
      const tracked = await pull()
      expect(tracked).toMatchObject({
        mode: 'resync',
        created: 0,
        updated: 0,
        deleted: 0,
        unchanged: 12
      })
      expect(tracked.message).toMatch(/^Change tracking is on now/)
      expect(
        fixture.store.mirrors.find(fixture.environment.id, 'dvs_warehouse')!.deltaLink
      ).not.toBeNull()
      await local.api('PATCH', `dvs_warehouses(${ids.get('WH-001')})`, {
        body: { dvs_city: 'Renton' }
      })
      const delta = await pull()
      expect(delta).toMatchObject({
        mode: 'delta',
        created: 0,
        updated: 1,
        deleted: 0,
        requests: 1
      })
      await expectMirrorEqualsWarehouses()
    } finally {
      fixture.close()
      await local.close()
    }
  })
})
