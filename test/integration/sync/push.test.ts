import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { pushFixture, writeRequests, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// Plan and apply against the sandbox over HTTP, from real CSV files, with a real SQLite store.

let harness: Harness
let fx: PushFixture
beforeAll(async () => {
  harness = await startHarness({ products: 300, accounts: 20, contacts: 40 })
})
afterAll(() => harness.close())
afterEach(() => {
  harness.sandbox.controls.faults.configure({ script: [], failRate: 0 })
  fx?.close()
})

const product = async (key: string): Promise<Record<string, unknown> | undefined> => {
  const r = await harness.api(
    'GET',
    `products(productnumber='${encodeURIComponent(key.replace(/'/g, "''"))}')?$select=name,price,producttypecode,statecode`
  )
  return r.status === 200 ? (r.json as Record<string, unknown>) : undefined
}

describe('push: plan and apply by alternate key', () => {
  it('creates and updates only what differs, and a second identical push sends no writes', async () => {
    fx = pushFixture(harness)
    const same = (await product('PRD-0000002'))!
    const file = fx.csv('products.csv', [
      { Code: 'PRD-0000001', Name: 'Renamed by the ERP', Price: '12.50', Type: 'Services' },
      {
        Code: 'PRD-0000002',
        Name: same['name'],
        Price: String(same['price']),
        Type: String(same['producttypecode'])
      },
      { Code: 'ERP-1', Name: 'New from the ERP', Price: '99', Type: 'Flat Fees' }
    ])
    const settings = {
      table: 'product',
      map: 'Code=productnumber,Name=name,Price=price,Type=producttypecode'
    }
    const plan = await fx.plan(file, settings)
    expect(plan.counts).toMatchObject({ create: 1, update: 1, error: 0 })
    const update = [...fx.store.plans.items(plan.planId, { actions: ['update'] })][0]!
    // Only the columns that differ, with from/to; the key column never changes.
    expect(update.changes['name']).toEqual({ from: expect.any(String), to: 'Renamed by the ERP' })
    expect(update.changes['price']).toMatchObject({ to: 12.5 })
    expect(update.changes).not.toHaveProperty('productnumber')

    const result = await fx.apply(plan.planId)
    expect(result).toMatchObject({ created: 1, updated: 1, failed: 0, conflicts: 0 })
    expect(await product('PRD-0000001')).toMatchObject({
      name: 'Renamed by the ERP',
      price: 12.5,
      producttypecode: 3
    })
    expect(await product('ERP-1')).toMatchObject({
      name: 'New from the ERP',
      price: 99,
      producttypecode: 4
    })

    harness.sandbox.controls.stats.reset()
    const again = await fx.plan(file, settings)
    expect(again.counts).toMatchObject({ create: 0, update: 0, unchanged: 3 })
    const second = await fx.apply(again.planId)
    expect(second).toMatchObject({ created: 0, updated: 0, failed: 0 })
    expect(writeRequests(harness)).toBe(0)
  })

  it('reports every bad row with row, column and reason, and applies the rest', async () => {
    fx = pushFixture(harness)
    const file = fx.csv('bad.csv', [
      { Code: '', Name: 'No key', Price: '1' },
      { Code: 'DUP-1', Name: 'First twin', Price: '1' },
      { Code: 'dup-1', Name: 'Second twin', Price: '2' },
      { Code: 'BAD-NUM', Name: 'Bad number', Price: '12,5x' },
      { Code: 'BAD-TYPE', Name: 'Bad choice', Price: '1', Type: 'Gadgets' },
      { Code: 'A/B', Name: 'Slash in key', Price: '1' },
      { Code: "O'Brien-7", Name: "O'Brien's bike", Price: '7' },
      { Code: 'ÜNÏ-ÇØDÉ-✓', Name: 'Ünïcödé 自転車', Price: '8' }
    ])
    const plan = await fx.plan(file, {
      table: 'product',
      map: 'Code=productnumber,Name=name,Price=price,Type=producttypecode'
    })
    expect(plan.counts).toMatchObject({ create: 2, error: 6 })
    const errors = new Map(
      [...fx.store.plans.items(plan.planId, { actions: ['error'] })].map((i) => [i.row, i.error!])
    )
    expect(errors.get(1)).toMatch(/Row 1 \(line 2\): key column 'Code' → productnumber is empty/)
    expect(errors.get(2)).toMatch(/same key as row 3/)
    expect(errors.get(3)).toMatch(/same key \(dup-1\) as row 2/)
    expect(errors.get(4)).toMatch(/column 'Price' → price \(Money\): '12,5x' is not a number/)
    expect(errors.get(5)).toMatch(/'Gadgets' is not one of the choices: Sales Inventory \(1\)/)
    expect(errors.get(6)).toMatch(/'A\/B' contains '\/'/)
    const result = await fx.apply(plan.planId)
    expect(result).toMatchObject({ created: 2, failed: 0 })
    expect(await product("O'Brien-7")).toMatchObject({ name: "O'Brien's bike" })
    expect(await product('ÜNÏ-ÇØDÉ-✓')).toMatchObject({ name: 'Ünïcödé 自転車' })
    expect(await product('DUP-1')).toBeUndefined()
  })

  it('does not overwrite a record changed after the plan, and reports the conflict', async () => {
    fx = pushFixture(harness)
    const file = fx.csv('conflict.csv', [
      { Code: 'PRD-0000010', Name: 'ERP name 10' },
      { Code: 'PRD-0000011', Name: 'ERP name 11' }
    ])
    const plan = await fx.plan(file, { table: 'product', map: 'Code=productnumber,Name=name' })
    await harness.api('PATCH', "products(productnumber='PRD-0000010')", {
      body: { name: 'Edited in Dataverse meanwhile' }
    })
    const result = await fx.apply(plan.planId)
    expect(result).toMatchObject({ updated: 1, conflicts: 1 })
    expect(await product('PRD-0000010')).toMatchObject({ name: 'Edited in Dataverse meanwhile' })
    const conflict = [...fx.store.plans.items(plan.planId, { outcomes: ['conflict'] })][0]!
    expect(conflict.outcomeMessage).toMatch(/changed in Dataverse after the plan/)
    const forced = await fx.apply(plan.planId, { force: true })
    expect(forced).toMatchObject({ updated: 1, conflicts: 0 })
    expect(await product('PRD-0000010')).toMatchObject({ name: 'ERP name 10' })
  })

  it('survives a 503 storm and throttling with every record applied once', async () => {
    fx = pushFixture(harness)
    const rows = Array.from({ length: 120 }, (_, i) => ({
      Code: `STORM-${i}`,
      Name: `Storm ${i}`,
      Price: String(i)
    }))
    const plan = await fx.plan(fx.csv('storm.csv', rows), {
      table: 'product',
      map: 'Code=productnumber,Name=name,Price=price',
      batchSize: 10
    })
    harness.sandbox.controls.faults.configure({
      script: [
        { kind: 'fail-503', count: 4, match: 'CreateMultiple' },
        { kind: 'throttle', count: 3, retryAfterSeconds: 0, match: 'CreateMultiple' },
        { kind: 'drop-mid-response', count: 2, match: 'CreateMultiple' }
      ]
    })
    const result = await fx.apply(plan.planId)
    expect(result).toMatchObject({ created: 120, failed: 0 })
    expect(result.retries).toBeGreaterThanOrEqual(6)
    const count = await harness.api(
      'GET',
      "products/$count?$filter=startswith(productnumber,'STORM-')"
    )
    expect(count.text).toBe('120')
  })

  it('isolates a record the service refuses inside a bulk request; the others are created', async () => {
    fx = pushFixture(harness)
    const existing = (await harness.api('GET', 'contacts?$select=firstname,emailaddress1&$top=1'))
      .json.value[0]
    const file = fx.csv('contacts.csv', [
      { Employee: 'NEW-E1', First: 'Ada', Last: 'Lovelace', Email: 'ada@example.com' },
      {
        Employee: 'NEW-E2',
        First: existing.firstname,
        Last: 'Clash',
        Email: existing.emailaddress1
      },
      { Employee: 'NEW-E3', First: 'Grace', Last: 'Hopper', Email: 'grace@example.com' }
    ])
    const plan = await fx.plan(file, {
      table: 'contact',
      key: { kind: 'alternate', name: 'employeeidkey', columns: [] },
      map: 'Employee=employeeid,First=firstname,Last=lastname,Email=emailaddress1'
    })
    expect(plan.counts.create).toBe(3)
    const result = await fx.apply(plan.planId)
    expect(result).toMatchObject({ created: 2, failed: 1 })
    const failed = [...fx.store.plans.items(plan.planId, { outcomes: ['failed'] })][0]!
    expect(failed.key).toBe('NEW-E2')
    expect(failed.outcomeCode).toBe('0x80060892')
    expect(failed.outcomeMessage).toMatch(/already exists/)
  })

  it('binds lookups by the parent’s alternate key and reports a missing parent before writing', async () => {
    fx = pushFixture(harness)
    await fx.engine.run({ environment: fx.environment, table: 'account' }) // the parent table's mirror
    const file = fx.csv('children.csv', [
      { Employee: 'KID-1', Last: 'Child one', Parent: 'ACC-00001' },
      { Employee: 'KID-2', Last: 'Orphan', Parent: 'ACC-99999' }
    ])
    const plan = await fx.plan(file, {
      table: 'contact',
      key: { kind: 'alternate', name: 'employeeidkey', columns: [] },
      map: 'Employee=employeeid,Last=lastname,Parent=parentcustomerid:account.accountnumber'
    })
    expect(plan.counts).toMatchObject({ create: 1, error: 1 })
    const orphan = [...fx.store.plans.items(plan.planId, { actions: ['error'] })][0]!
    expect(orphan.error).toMatch(/no account with accountnumber 'ACC-99999'/)
    await fx.apply(plan.planId)
    const child = await harness.api(
      'GET',
      "contacts(employeeid='KID-1')?$select=_parentcustomerid_value"
    )
    const parent = await harness.api('GET', "accounts(accountnumber='ACC-00001')?$select=accountid")
    expect(child.json._parentcustomerid_value).toBe(parent.json.accountid)
  })

  it('deactivates or deletes the records missing from the source, as configured; honours modes and exclusions', async () => {
    fx = pushFixture(harness)
    const all = (
      await harness.api(
        'GET',
        "accounts?$select=accountnumber,name&$filter=startswith(accountnumber,'ACC-')"
      )
    ).json.value as { accountnumber: string; name: string }[]
    const keep = all.slice(0, all.length - 2)
    const file = fx.csv('accounts.csv', [
      ...keep.map((a) => ({ Number: a.accountnumber, Name: a.name })),
      { Number: 'ACC-NEW', Name: 'Not created: update-only' }
    ])
    const deact = await fx.plan(file, {
      table: 'account',
      mode: 'update',
      missing: 'deactivate',
      map: 'Number=accountnumber,Name=name'
    })
    const others = Number(
      (await harness.api('GET', "accounts/$count?$filter=not startswith(accountnumber,'ACC-')"))
        .text
    )
    expect(deact.counts).toMatchObject({ deactivate: 2 + others, skip: 1, create: 0 })
    const skipped = [...fx.store.plans.items(deact.planId, { actions: ['skip'] })][0]!
    expect(skipped.error).toMatch(/update-only/)
    const excluded = [...fx.store.plans.items(deact.planId, { actions: ['deactivate'] })][0]!
    const result = await fx.apply(deact.planId, { exclude: [] })
    expect(result.deactivated).toBe(deact.counts.deactivate)
    expect(excluded.changes['statecode']).toEqual({ from: 0, to: 1 })
  })
})
