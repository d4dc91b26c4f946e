import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UndoEngine } from '../../../src-main/sync/undo'
import { pushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// Undo of a push (issue 6): the sandbox's records restored exactly, and a record someone edited
// after the push reported, not overwritten.

let harness: Harness
beforeAll(async () => {
  harness = await startHarness({ products: 60, accounts: 10, contacts: 10 })
})
afterAll(() => harness.close())

async function snapshot(filter: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = (
    await harness.api(
      'GET',
      `products?$select=productnumber,name,price,statecode,statuscode&$filter=${filter}`
    )
  ).json.value as Record<string, unknown>[]
  return new Map(
    rows.map((r) => [
      String(r['productnumber']),
      { name: r['name'], price: r['price'], statecode: r['statecode'], statuscode: r['statuscode'] }
    ])
  )
}

describe('undo of a push', () => {
  it('restores the records exactly, and leaves one edited meanwhile as it is', async () => {
    const fx = pushFixture(harness)
    const filter = "startswith(productnumber,'PRD-000000') or startswith(productnumber,'UNDO-')"
    const before = await snapshot(filter)
    const file = fx.csv('undo.csv', [
      { Code: 'PRD-0000001', Name: 'Pushed 1', Price: '1' },
      { Code: 'PRD-0000002', Name: 'Pushed 2', Price: '2' },
      { Code: 'PRD-0000003', Name: 'Pushed 3', Price: '3' },
      { Code: 'UNDO-1', Name: 'Created by the push', Price: '4' }
    ])
    const plan = await fx.plan(file, {
      table: 'product',
      map: 'Code=productnumber,Name=name,Price=price'
    })
    const push = await fx.apply(plan.planId)
    expect(push).toMatchObject({ created: 1, updated: 3 })
    // Someone edits one of the pushed records before the undo.
    await harness.api('PATCH', "products(productnumber='PRD-0000003')", {
      body: { name: 'Edited by a colleague' }
    })

    const undo = await new UndoEngine({ store: fx.store, client: fx.client }).plan({
      environment: fx.environment,
      runId: push.runId
    })
    expect(undo.counts).toMatchObject({ update: 2, delete: 1, error: 1 })
    const refused = [...fx.store.plans.items(undo.planId, { actions: ['error'] })][0]!
    expect(refused.key).toBe('PRD-0000003')
    expect(refused.error).toMatch(/changed after the apply/)
    const result = await fx.apply(undo.planId)
    expect(result).toMatchObject({ updated: 2, deleted: 1, failed: 0, conflicts: 0 })

    const after = await snapshot(filter)
    expect(after.get('PRD-0000001')).toEqual(before.get('PRD-0000001'))
    expect(after.get('PRD-0000002')).toEqual(before.get('PRD-0000002'))
    expect(after.get('PRD-0000003')).toMatchObject({ name: 'Edited by a colleague' })
    expect(after.has('UNDO-1')).toBe(false)
    fx.close()
  })

  it('reports a conflict when a record changes between the undo plan and its apply', async () => {
    const fx = pushFixture(harness)
    const plan = await fx.plan(fx.csv('undo2.csv', [{ Code: 'PRD-0000010', Name: 'Pushed 10' }]), {
      table: 'product',
      map: 'Code=productnumber,Name=name'
    })
    const push = await fx.apply(plan.planId)
    const undo = await new UndoEngine({ store: fx.store, client: fx.client }).plan({
      environment: fx.environment,
      runId: push.runId
    })
    await harness.api('PATCH', "products(productnumber='PRD-0000010')", {
      body: { name: 'Changed in between' }
    })
    const result = await fx.apply(undo.planId)
    expect(result).toMatchObject({ updated: 0, conflicts: 1 })
    expect(
      (await harness.api('GET', "products(productnumber='PRD-0000010')?$select=name")).json.name
    ).toBe('Changed in between')
    fx.close()
  })

  it('brings back records a push deleted, with their id and values', async () => {
    const fx = pushFixture(harness)
    const keep = (
      await harness.api(
        'GET',
        "accounts?$select=accountnumber,name&$filter=startswith(accountnumber,'ACC-')"
      )
    ).json.value as { accountnumber: string; name: string }[]
    const victim = keep.pop()!
    const original = (
      await harness.api(
        'GET',
        `accounts(accountnumber='${victim.accountnumber}')?$select=accountid,name,telephone1,revenue,address1_city`
      )
    ).json
    const plan = await fx.plan(
      fx.csv(
        'keep.csv',
        keep.map((a) => ({ Number: a.accountnumber, Name: a.name }))
      ),
      {
        table: 'account',
        missing: 'delete',
        map: 'Number=accountnumber,Name=name'
      }
    )
    const push = await fx.apply(plan.planId)
    expect(push.deleted).toBeGreaterThanOrEqual(1)
    expect((await harness.api('GET', `accounts(${original.accountid})`)).status).toBe(404)
    const undo = await new UndoEngine({ store: fx.store, client: fx.client }).plan({
      environment: fx.environment,
      runId: push.runId
    })
    await fx.apply(undo.planId)
    const back = (
      await harness.api(
        'GET',
        `accounts(${original.accountid})?$select=accountid,name,telephone1,revenue,address1_city`
      )
    ).json
    expect(back).toMatchObject({
      accountid: original.accountid,
      name: original.name,
      telephone1: original.telephone1,
      revenue: original.revenue,
      address1_city: original.address1_city
    })
    fx.close()
  })
})
