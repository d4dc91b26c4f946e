import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportRunReport } from '../../../src-main/reports/export'
import { UndoEngine } from '../../../src-main/sync/undo'
import { pushFixture, writeRequests, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * Lookups by the parent's alternate key to a table nobody pulled (issue 12, item 2): the plan
 * reads the keys the source uses from Dataverse, compares by the id found there, and makes a
 * missing parent a preview error naming the row, the column and the key. Before, an unchanged
 * lookup previewed as a change on every run, and ACC-99999 was a plain create that failed with
 * a 404 only at apply.
 */

let harness: Harness
let fx: PushFixture
beforeAll(async () => {
  harness = await startHarness({ products: 1, accounts: 300, contacts: 1 })
  fx = pushFixture(harness)
})
afterAll(async () => {
  fx.close()
  await harness.close()
})

const acc = (i: number): string => `ACC-${String(i).padStart(5, '0')}`
const settings = {
  table: 'contact',
  key: { kind: 'alternate' as const, name: 'employeeidkey', columns: [] },
  map: 'Employee=employeeid,Last=lastname,Parent=parentcustomerid:account.accountnumber'
}
const accountName = async (key: string): Promise<string> =>
  (await harness.api('GET', `accounts(accountnumber='${key}')?$select=name`)).json.name
const accountId = async (key: string): Promise<string> =>
  (await harness.api('GET', `accounts(accountnumber='${key}')?$select=accountid`)).json.accountid

describe('lookups to a table that is not mirrored', () => {
  let file: string
  let pushRun: number

  it('are resolved in Dataverse before planning; a missing parent is a preview error', async () => {
    // 2,000 contacts pointing at 300 accounts, keys in the case the ERP writes them.
    const rows = Array.from({ length: 2000 }, (_, i) => ({
      Employee: `EMP-${i + 1}`,
      Last: `Employee ${i + 1}`,
      Parent: i % 2 ? acc((i % 300) + 1) : acc((i % 300) + 1).toLowerCase()
    }))
    rows.push({ Employee: 'EMP-ORPHAN', Last: 'Orphan', Parent: 'ACC-99999' })
    file = fx.csv('contacts.csv', rows)
    harness.sandbox.controls.stats.reset()
    const plan = await fx.plan(file, settings)
    expect(plan.counts).toMatchObject({ create: 2000, error: 1 })
    expect(fx.store.mirrors.find(fx.environment.id, 'account')).toBeUndefined()
    // Only the keys the source uses, a few hundred per request: not the table, not a row each.
    const reads = harness.sandbox.controls.stats.snapshot().byRoute
    const accountReads = Object.entries(reads)
      .filter(([route]) => route.startsWith('GET ') && route.includes('accounts'))
      .reduce((n, [, c]) => n + c, 0)
    expect(accountReads).toBeGreaterThan(0)
    expect(accountReads).toBeLessThanOrEqual(20)

    const [orphan] = [...fx.store.plans.items(plan.planId, { actions: ['error'] })]
    expect(orphan!.row).toBe(2001)
    expect(orphan!.error).toMatch(
      /Row 2001 \(line 2002\): column 'Parent' → parentcustomerid: no account with accountnumber 'ACC-99999' \(looked up in Dataverse\)/
    )
    // The preview shows the id the lookup will hold, the same for either case of the key.
    const [first, second] = [
      ...fx.store.plans.items(plan.planId, { actions: ['create'], limit: 2 })
    ]
    expect(first!.changes['parentcustomerid']!.to).toBe(await accountId(acc(1)))
    expect(second!.changes['parentcustomerid']!.to).toBe(await accountId(acc(2)))
    // …and, for a person, the account's name and key as Dataverse has them (issue 12, item 7).
    expect(first!.changes['parentcustomerid']!.toLabel).toBe(
      `${await accountName(acc(1))} (${acc(1)})`
    )
    expect(second!.changes['parentcustomerid']!.toLabel).toBe(
      `${await accountName(acc(2))} (${acc(2)})`
    )

    const applied = await fx.apply(plan.planId)
    expect(applied).toMatchObject({ created: 2000, failed: 0 })
    pushRun = applied.runId

    // The run's reports show the parent by name and key, the id a hover (HTML) or a field away.
    const label = `${await accountName(acc(1))} (${acc(1)})`
    const json = join(fx.dataDir, 'push.json')
    await exportRunReport(fx.store, pushRun, json)
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      records: { key: string; changes: { column: string; after: unknown; afterLabel?: string }[] }[]
    }
    const emp1 = report.records.find((r) => r.key === 'EMP-1')!
    expect(emp1.changes.find((c) => c.column === 'parentcustomerid')).toEqual({
      column: 'parentcustomerid',
      before: null,
      after: await accountId(acc(1)),
      afterLabel: label
    })
    const html = join(fx.dataDir, 'push.html')
    await exportRunReport(fx.store, pushRun, html)
    expect(readFileSync(html, 'utf8')).toContain(
      `<span class="after" title="${await accountId(acc(1))}">${label.replace(/&/g, '&amp;')}</span>`
    )
    const child = await harness.api(
      'GET',
      "contacts(employeeid='EMP-1')?$select=_parentcustomerid_value"
    )
    expect(child.json._parentcustomerid_value).toBe(await accountId(acc(1)))
  }, 60_000)

  it('a second plan of the same file is all unchanged and writes nothing', async () => {
    const again = await fx.plan(file, settings)
    expect(again.counts).toMatchObject({ create: 0, update: 0, unchanged: 2000, error: 1 })
    harness.sandbox.controls.stats.reset()
    await fx.apply(again.planId)
    expect(writeRequests(harness)).toBe(0)
  }, 60_000)

  it('a changed parent is an update from the old id to the new one', async () => {
    const moved = fx.csv('moved.csv', [{ Employee: 'EMP-1', Last: 'Employee 1', Parent: acc(7) }])
    const plan = await fx.plan(moved, settings)
    expect(plan.counts).toMatchObject({ update: 1 })
    const [update] = [...fx.store.plans.items(plan.planId, { actions: ['update'] })]
    expect(update!.changes).toEqual({
      parentcustomerid: {
        from: await accountId(acc(1)),
        to: await accountId(acc(7)),
        // The parent it has now is read by id (it is not in the source), for its name too.
        fromLabel: `${await accountName(acc(1))} (${acc(1)})`,
        toLabel: `${await accountName(acc(7))} (${acc(7)})`
      }
    })
    const moveRun = (await fx.apply(plan.planId)).runId

    // Undo compares what is in Dataverse with what the run wrote: the id, not the key path
    // (issue 12, item 3 refused every record whose lookup was written by key).
    const undo = await new UndoEngine({ store: fx.store, client: fx.client }).plan({
      environment: fx.environment,
      runId: moveRun
    })
    expect(undo.counts).toMatchObject({ update: 1, error: 0 })
    await fx.apply(undo.planId)
    const child = await harness.api(
      'GET',
      "contacts(employeeid='EMP-1')?$select=_parentcustomerid_value"
    )
    expect(child.json._parentcustomerid_value).toBe(await accountId(acc(1)))
  })

  it('undo of the push removes every record it created, lookups and all', async () => {
    const undo = await new UndoEngine({ store: fx.store, client: fx.client }).plan({
      environment: fx.environment,
      runId: pushRun
    })
    expect(undo.counts).toMatchObject({ delete: 2000, error: 0 })
    const result = await fx.apply(undo.planId)
    expect(result).toMatchObject({ deleted: 2000, failed: 0 })
    const left = await harness.api(
      'GET',
      "contacts?$select=employeeid&$filter=startswith(employeeid,'EMP-')"
    )
    expect(left.json.value).toEqual([])
  }, 60_000)
})
