import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ColumnMapping } from '../../../src-shared/model/push'
import { pushFixture, writeRequests, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * Empty cells (issue 12, item 1): a CSV whose Name column was blank previewed
 * `name: Urban Pump 1 → —` for every row, with no warning although name is required, and the
 * apply set every name to null. Empty cells are now ignored unless the profile or the column
 * says to clear them or to write a default; clearing a required column is a row error; clearing
 * a column in many rows is a warning.
 */

let harness: Harness
let fx: PushFixture
beforeAll(async () => {
  harness = await startHarness({ products: 40, accounts: 1, contacts: 1 })
  fx = pushFixture(harness)
})
afterAll(async () => {
  fx.close()
  await harness.close()
})

const pn = (i: number): string => `PRD-${String(i).padStart(7, '0')}`
const product = async (key: string): Promise<Record<string, unknown> | undefined> => {
  const r = await harness.api(
    'GET',
    `products(productnumber='${key}')?$select=name,price,producttypecode`
  )
  return r.status === 200 ? (r.json as Record<string, unknown>) : undefined
}
const mapping = (extra: Partial<Record<string, Partial<ColumnMapping>>> = {}): ColumnMapping[] =>
  [
    { source: 'Code', target: 'productnumber' },
    { source: 'Name', target: 'name' },
    { source: 'Price', target: 'price' },
    { source: 'Type', target: 'producttypecode' }
  ].map((m) => ({ ...m, ...extra[m.source] }))

/** 20 existing products exported with their Name column blank and prices as spaces. */
const blankExport = (): string =>
  fx.csv(
    'blank-names.csv',
    Array.from({ length: 20 }, (_, i) => ({
      Code: pn(i + 1),
      Name: '',
      Price: '   ',
      Type: i < 3 ? '' : 'Services'
    }))
  )

describe('empty source cells', () => {
  it('are ignored by default: nothing is cleared, the apply writes no name', async () => {
    const before = await product(pn(1))
    const file = blankExport()
    const plan = await fx.plan(file, { table: 'product', mapping: mapping() })
    expect(plan.counts.error).toBe(0)
    expect(plan.warnings).toEqual([])
    for (const item of fx.store.plans.items(plan.planId)) {
      expect(item.changes).not.toHaveProperty('name')
      expect(item.changes).not.toHaveProperty('price')
    }
    await fx.apply(plan.planId)
    expect(await product(pn(1))).toMatchObject({ name: before!['name'], price: before!['price'] })
  })

  it('a new record leaves an empty column out of its create', async () => {
    const file = fx.csv('new.csv', [{ Code: 'NEW-1', Name: 'New one', Price: '', Type: ' ' }])
    const plan = await fx.plan(file, { table: 'product', mapping: mapping() })
    expect(plan.counts.create).toBe(1)
    const [create] = [...fx.store.plans.items(plan.planId)]
    expect(Object.keys(create!.changes).sort()).toEqual(['name', 'productnumber'])
    expect((await fx.apply(plan.planId)).created).toBe(1)
    expect(await product('NEW-1')).toMatchObject({ name: 'New one', price: null })
  })

  it('clearing a required column is a row error that says what to do, and nothing is written', async () => {
    const plan = await fx.plan(blankExport(), {
      table: 'product',
      mapping: mapping(),
      emptyValues: 'clear'
    })
    expect(plan.counts).toMatchObject({ error: 20, update: 0 })
    const [first] = [...fx.store.plans.items(plan.planId, { actions: ['error'] })]
    expect(first!.error).toBe(
      `Row 1 (line 2): column 'Name' → name is empty, and name is required in Dataverse; fill the cell, or let empty cells of the column leave it as it is ("ignore") so the record keeps its value`
    )
    harness.sandbox.controls.stats.reset()
    await fx.apply(plan.planId)
    expect(writeRequests(harness)).toBe(0)
  })

  it('per column: clear one, a default for another, and a warning when a column is cleared in most rows', async () => {
    const plan = await fx.plan(blankExport(), {
      table: 'product',
      mapping: mapping({
        Type: { empty: 'clear' },
        Price: { empty: 'default', emptyDefault: '0' }
      })
    })
    expect(plan.counts).toMatchObject({ update: 20, error: 0 })
    const items = [...fx.store.plans.items(plan.planId)]
    // A choice shows its label beside the value (issue 12, item 7).
    expect(items[0]!.changes['producttypecode']).toMatchObject({
      from: expect.any(Number),
      fromLabel: expect.stringMatching(/^[A-Z]/),
      to: null
    })
    expect(items[0]!.changes['price']).toMatchObject({ to: 0 })
    expect(items[5]!.changes).not.toHaveProperty('producttypecode')
    // 3 of 20 rows clear producttypecode: 15%, above the default 10%.
    expect(plan.warnings).toEqual([
      'This push would clear producttypecode in 3 of 20 rows (15%). If the source column is blank by mistake, fix the file; to keep such values, let empty cells of producttypecode leave the column as it is ("ignore").'
    ])
    const quiet = await fx.plan(blankExport(), {
      table: 'product',
      mapping: mapping({ Type: { empty: 'clear' } }),
      clearWarningPercent: 20
    })
    expect(quiet.warnings).toEqual([])
    await fx.apply(plan.planId)
    expect(await product(pn(1))).toMatchObject({ price: 0, producttypecode: null })
    expect((await product(pn(1)))!['name']).not.toBeNull()
  })

  it('a default without a value is refused with the column named', async () => {
    await expect(
      fx.plan(blankExport(), {
        table: 'product',
        mapping: mapping({ Price: { empty: 'default' } })
      })
    ).rejects.toThrow(
      "Column 'Price' → price: empty cells are to get a default value, but none is given."
    )
  })
})
