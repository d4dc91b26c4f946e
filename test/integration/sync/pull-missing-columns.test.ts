import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pullFixture } from '../../support/pull-fixture'
import { SMALL_SEED, useSandbox } from '../../support/sandbox-harness'
import { startTamperProxy, type TamperProxy } from '../../support/tamper-proxy'

/**
 * A service that leaves out columns the pull selected (issue 19 #12): the sandbox, like the Web
 * API, sends every selected column (null ones as null); a proxy in front of it drops `price` from
 * some rows. The pull completes — Microsoft's own delta example omits a selected column, so this is
 * not refused — but its message names the column and the rows, in the run and to the caller.
 */

const harness = useSandbox(SMALL_SEED)
let proxy: TamperProxy
beforeAll(async () => {
  proxy = await startTamperProxy(harness.sandbox.url)
})
afterAll(() => proxy.close())

describe('pull: rows without selected columns', () => {
  it('the pull says which columns were left out of how many rows; without omissions it says nothing', async () => {
    const fx = pullFixture(harness, { environmentUrl: proxy.url })
    try {
      proxy.tamper = (exchange, request) => {
        if (request.method !== 'GET' || !request.url.includes('/products?')) return exchange
        const body = JSON.parse(exchange.body) as { value: Record<string, unknown>[] }
        for (const row of body.value.slice(0, 4)) delete row['price']
        return { ...exchange, body: JSON.stringify(body) }
      }
      const first = await fx.engine.run({
        environment: fx.environment,
        table: 'product',
        columns: ['productnumber', 'name', 'price']
      })
      expect(first.message).toBe(
        "Warning: Dataverse left out columns the pull asked for: price (4 rows); those rows are mirrored without them, so they read as empty. Check the account's access to these columns (field security), then run dvsync pull --full to read them again."
      )
      expect(fx.store.runs.get(first.runId)?.message).toBe(first.message)

      proxy.tamper = undefined
      const full = await fx.engine.run({
        environment: fx.environment,
        table: 'product',
        full: true
      })
      expect(full.message).toBe(
        'A full pull was requested: every row was compared with the mirror.'
      )
    } finally {
      fx.close()
    }
  })
})
