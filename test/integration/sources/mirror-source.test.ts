import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openMirrorSource, SourceError } from '../../../src-main/sources/index'
import { mirrorRows, pullFixture, type PullFixture } from '../../support/pull-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// Another environment's mirror as a source (environment-to-environment sync), read from a real
// data folder that a pull from the sandbox filled over HTTP.

let harness: Harness
let fixture: PullFixture

beforeAll(async () => {
  harness = await startHarness({ products: 1200, accounts: 10, contacts: 10 })
  fixture = pullFixture(harness)
  await fixture.engine.run({ environment: fixture.environment, table: 'product', maxPageSize: 500 })
})
afterAll(async () => {
  fixture?.close()
  await harness?.close()
})

const source = () => openMirrorSource(fixture.store, fixture.environment.id, 'product')

describe('mirror source', () => {
  it('describes the mirrored columns, primary id included', async () => {
    const mirror = fixture.store.mirrors.find(fixture.environment.id, 'product')!
    const description = await source().describe()
    expect(description.format).toBe('mirror')
    expect(description.columns).toEqual(expect.arrayContaining([...mirror.columns, 'productid']))
    expect(new Set(description.columns).size).toBe(description.columns.length)
  })

  it('streams every mirrored row as its Web API JSON object, in id order', async () => {
    const expected = mirrorRows(fixture, 'product')
    expect(expected.size).toBe(1200)
    const rows = []
    for await (const row of source().rows()) rows.push(row)
    expect(rows).toHaveLength(1200)
    expect(rows.map((r) => r.row)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1))
    const ids = rows.map((r) => r.values.productid as string)
    expect(ids).toEqual([...ids].sort())
    for (const row of rows) {
      expect(row.location).toBe(`record ${row.values.productid as string}`)
      expect(row.values).toEqual(expected.get(row.values.productid as string))
      expect(row.error).toBeUndefined()
    }
    expect(rows[0]!.values).toHaveProperty('productnumber')
  })

  it('lets the store be written while a source is being read (the planner writes plan items as it reads)', async () => {
    const mirror = fixture.store.mirrors.find(fixture.environment.id, 'product')!
    let seen = 0
    for await (const row of source().rows()) {
      seen += 1
      if (seen % 300 === 0) {
        // A write on the store's own connection, mid-iteration.
        fixture.store.db.transaction(() =>
          fixture.store.mirrors.rows(mirror).markSeen(row.values.productid as string, 1)
        )()
      }
    }
    expect(seen).toBe(1200)
  })

  it('previews the first rows and stops on abort', async () => {
    expect((await source().preview(5)).map((r) => r.row)).toEqual([1, 2, 3, 4, 5])
    const controller = new AbortController()
    let seen = 0
    const err = await (async () => {
      for await (const _row of source().rows({ signal: controller.signal })) {
        seen += 1
        if (seen === 10) controller.abort()
      }
    })().catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'AbortError' })
    expect(seen).toBe(10)
  })

  it('a table that was never pulled says which pull to run', async () => {
    const missing = openMirrorSource(fixture.store, fixture.environment.id, 'account')
    const err = await missing.describe().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect((err as SourceError).code).toBe('missing-mirror')
    expect((err as SourceError).message).toBe(
      "mirror of account: environment 'sandbox' has no mirror of table 'account': pull the table from it first (dvsync pull --env sandbox --table account)."
    )
    await expect(missing.preview(1)).rejects.toThrow(/no mirror of table 'account'/)
  })

  it('an unknown environment is named as such', async () => {
    await expect(openMirrorSource(fixture.store, 999, 'product').describe()).rejects.toThrow(
      'mirror of product: there is no environment with id 999: choose an environment that is set up.'
    )
  })
})
