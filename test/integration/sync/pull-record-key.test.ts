import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pullFixture, type PullFixture } from '../../support/pull-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * The key a pulled record is named by (issue 12, item 4): after a key on dvs_city failed (two
 * warehouses per city) and one on dvs_code became Active, pulled records were named "Seattle",
 * "Seattle" in the app, `dvsync changes` and the export. Only an Active key identifies a record.
 */

const DELAY = 1000
let harness: Harness
let fx: PullFixture
beforeAll(async () => {
  harness = await startHarness({
    products: 1,
    accounts: 1,
    contacts: 1,
    keyActivationDelayMs: DELAY
  })
  fx = pullFixture(harness)
  await fx.client.metadata.enableChangeTracking('dvs_warehouse')
})
afterAll(async () => {
  fx.close()
  await harness.close()
})

const keyStatus = async (name: string): Promise<string> =>
  (
    await harness.api(
      'GET',
      `EntityDefinitions(LogicalName='dvs_warehouse')/Keys(LogicalName='${name}')`
    )
  ).json.EntityKeyIndexStatus
const pull = () => fx.engine.run({ environment: fx.environment, table: 'dvs_warehouse' })

describe('the key a pulled record is named by', () => {
  it('is never a Failed key: with no Active key, records have no key', async () => {
    await fx.client.metadata.createKey('dvs_warehouse', {
      schemaName: 'dvs_CityKey',
      columns: ['dvs_city']
    })
    harness.sandbox.controls.advanceClock(DELAY)
    expect(await keyStatus('dvs_citykey')).toBe('Failed')
    const first = await pull()
    const items = [...fx.store.runs.items(first.runId)]
    expect(items).toHaveLength(12)
    expect(items.map((i) => i.recordKey)).toEqual(Array(12).fill(null))
  })

  it('is the Active key once there is one, also on the next delta pull', async () => {
    await fx.client.metadata.createKey('dvs_warehouse', {
      schemaName: 'dvs_CodeKey',
      columns: ['dvs_code']
    })
    harness.sandbox.controls.advanceClock(DELAY)
    expect(await keyStatus('dvs_codekey')).toBe('Active')
    await harness.api('PATCH', "dvs_warehouses(dvs_code='WH-003')", {
      body: { dvs_capacity: 12_345 }
    })
    const delta = await pull()
    expect(delta.mode).toBe('delta')
    const items = [...fx.store.runs.items(delta.runId)]
    expect(items.map((i) => [i.action, i.recordKey])).toEqual([['updated', 'WH-003']])

    // A resync names every record by its code, none by its city.
    const full = await fx.engine.run({
      environment: fx.environment,
      table: 'dvs_warehouse',
      full: true
    })
    await harness.api('PATCH', "dvs_warehouses(dvs_code='WH-007')", { body: { dvs_capacity: 1 } })
    const next = await pull()
    const keys = [...fx.store.runs.items(next.runId)].map((i) => i.recordKey)
    expect(keys).toEqual(['WH-007'])
    expect(full.runId).toBeLessThan(next.runId)
  })
})
