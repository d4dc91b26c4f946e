import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pushFixture, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * Records "missing from the source" (--missing delete|deactivate) against rows with errors
 * (issue 19, item 2): a typo in one cell of row 2 made the row an error *and* its record
 * missing, so the push deleted it. A row whose key can be read is in the source, whatever else
 * is wrong with it; while some rows have no readable key, no record can be called missing.
 */

let harness: Harness
let fx: PushFixture
beforeEach(async () => {
  harness = await startHarness({ products: 5, accounts: 1, contacts: 1 })
  fx = pushFixture(harness)
})
afterEach(async () => {
  fx.close()
  await harness.close()
})

const pn = (i: number): string => `PRD-${String(i).padStart(7, '0')}`
const product = async (i: number): Promise<Record<string, unknown> | undefined> => {
  const r = await harness.api('GET', `products(productnumber='${pn(i)}')?$select=name,statecode`)
  return r.status === 200 ? (r.json as Record<string, unknown>) : undefined
}
const settings = (missing: 'delete' | 'deactivate') => ({
  table: 'product',
  missing,
  map: 'Code=productnumber,Name=name,Price=price'
})

describe('records missing from the source', () => {
  it('a row with a bad cell keeps its record: only the truly missing one is deleted', async () => {
    const file = fx.csv('typo.csv', [
      { Code: pn(1), Name: 'One', Price: '10' },
      { Code: pn(2), Name: 'Two', Price: '12.5O' },
      { Code: pn(3), Name: 'Three', Price: '30' },
      { Code: pn(4), Name: 'Four', Price: '40' }
    ])
    const plan = await fx.plan(file, settings('delete'))
    expect(plan.counts).toMatchObject({ delete: 1, error: 1 })
    const deletes = [...fx.store.plans.items(plan.planId, { actions: ['delete'] })]
    expect(deletes.map((d) => d.key)).toEqual([pn(5)])
    const [error] = [...fx.store.plans.items(plan.planId, { actions: ['error'] })]
    expect(error).toMatchObject({ row: 2, key: pn(2) })
    expect(error!.error).toMatch(/'12\.5O' is not a number/)

    const result = await fx.apply(plan.planId)
    expect(result).toMatchObject({ deleted: 1, failed: 0 })
    expect(await product(2)).toBeDefined()
    expect(await product(5)).toBeUndefined()
  })

  it('while a row has no readable key, nothing is deleted or deactivated, and each record says why', async () => {
    const file = fx.csv('no-key.csv', [
      { Code: pn(1), Name: 'One', Price: '10' },
      { Code: pn(2), Name: 'Two', Price: '20' },
      { Code: '   ', Name: 'Key lost in the export', Price: '30' }
    ])
    for (const missing of ['delete', 'deactivate'] as const) {
      const plan = await fx.plan(file, settings(missing))
      expect(plan.counts).toMatchObject({ delete: 0, deactivate: 0, error: 4 })
      const refused = [...fx.store.plans.items(plan.planId, { actions: ['error'] })].filter(
        (i) => i.row === null
      )
      expect(refused.map((i) => i.key).sort()).toEqual([pn(3), pn(4), pn(5)])
      const verb = missing === 'delete' ? 'deleted' : 'deactivated'
      for (const item of refused)
        expect(item.error).toBe(
          `Not ${verb}: 1 source row has no readable key (row 3), so this record may still be in the source. Fix the key in those rows, or set missing records to "ignore" for this push.`
        )
      await fx.apply(plan.planId)
    }
    for (const i of [3, 4, 5]) expect(await product(i)).toMatchObject({ statecode: 0 })
  })
})
