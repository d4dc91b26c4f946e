import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pushFixture, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// A push into a table without change tracking (issue 12, item 9): the plan brings the mirror up
// to date by a full compare, so it previews against what Dataverse has now.

let harness: Harness
let fx: PushFixture
beforeAll(async () => {
  // The demo's dvs_warehouse starts with change tracking off.
  harness = await startHarness({ products: 5, accounts: 2, contacts: 2 })
})
afterAll(() => harness.close())
afterEach(() => fx?.close())

const warehouses = async (): Promise<{ dvs_warehouseid: string; dvs_capacity: number }[]> =>
  (
    await harness.api(
      'GET',
      'dvs_warehouses?$select=dvs_warehouseid,dvs_capacity&$orderby=dvs_code'
    )
  ).json.value

describe('push into a table without change tracking', () => {
  it('plans against a full compare of the table, applies, and plans again as unchanged', async () => {
    fx = pushFixture(harness)
    const [first, second] = await warehouses()
    const file = fx.csv('warehouses.csv', [
      { Id: first!.dvs_warehouseid, Capacity: String(first!.dvs_capacity + 100) },
      { Id: second!.dvs_warehouseid, Capacity: String(second!.dvs_capacity) }
    ])
    const settings = {
      table: 'dvs_warehouse',
      key: { kind: 'primary' as const },
      mode: 'update' as const,
      map: 'Id=dvs_warehouseid,Capacity=dvs_capacity'
    }
    const plan = await fx.plan(file, settings)
    expect(plan.counts).toMatchObject({ update: 1, unchanged: 1, error: 0 })
    // The plan's pull read the whole table: a mirror of every row, with no delta link.
    expect(fx.store.mirrors.find(fx.environment.id, 'dvs_warehouse')).toMatchObject({
      rowCount: 12,
      deltaLink: null
    })

    const applied = await fx.apply(plan.planId)
    expect(applied).toMatchObject({ updated: 1, failed: 0 })
    expect((await warehouses())[0]!.dvs_capacity).toBe(first!.dvs_capacity + 100)

    // Changed in Dataverse after the apply: the next plan's compare sees it.
    await harness.api('PATCH', `dvs_warehouses(${second!.dvs_warehouseid})`, {
      body: { dvs_capacity: 5 }
    })
    const again = await fx.plan(file, settings)
    expect(again.counts).toMatchObject({ update: 1, unchanged: 1, error: 0 })
    const update = [...fx.store.plans.items(again.planId, { actions: ['update'] })][0]!
    expect(update.changes['dvs_capacity']).toEqual({ from: 5, to: second!.dvs_capacity })

    // Tracking turned on later: the mirror the plans' compares kept is compared, not re-created.
    await fx.client.metadata.enableChangeTracking('dvs_warehouse')
    const tracked = await fx.engine.run({ environment: fx.environment, table: 'dvs_warehouse' })
    expect(tracked).toMatchObject({ mode: 'resync', created: 0, updated: 0, deleted: 0 })
    expect(tracked.message).toMatch(/^Change tracking is on now/)
  })
})
