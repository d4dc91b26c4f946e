import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { DataverseClient } from '../../src-main/dataverse/client'
import { UnreachableError } from '../../src-main/dataverse/errors'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import type { TransportEvent } from '../../src-main/dataverse/transport'
import type { ScriptedFault } from '../../src-main/sandbox/control/faults'
import { defaultLimits } from '../../src-main/sandbox/control/limits'
import { useCampaignLog, seeded } from '../support/fault-campaign'
import { StormKit } from '../support/fault-storms'
import { PRODUCT, mirrorDiff, sandboxIds } from '../support/fault-tables'
import { pullFixture } from '../support/pull-fixture'
import { pushFixture } from '../support/push-fixture'
import { useSandbox } from '../support/sandbox-harness'

// Storms (issue 8; ARCHITECTURE.md: "429: wait Retry-After, lower parallelism, go on"; "every
// write is idempotent; retries never duplicate"): 429 storms with long Retry-After (the
// transport's sleep is injected and records the waits instead of waiting an hour) and one real
// short Retry-After end to end; 5xx bursts; connections dropped before and in the middle of a
// response; responses slower than the client's timeout. A run either gets through or fails with
// a clear message and the next run completes — nothing lost, nothing written or journaled twice.

const seed = inject('faultSeed')
// The sandbox first: its close runs after the log's hook has killed leftover children.
const harness = useSandbox({ products: 400, accounts: 10, contacts: 10 })
const log = useCampaignLog(inject('faultPartsDir'), 'storms')
const t = PRODUCT

let kit: StormKit
beforeAll(() => {
  kit = new StormKit(harness, log)
})
beforeEach(() => {
  harness.sandbox.controls.faults.configure({ latencyMs: 0, failRate: 0, dropRate: 0, script: [] })
  harness.sandbox.controls.limits.configure(defaultLimits())
})
describe('429 storms', () => {
  it('a pull waits out every long Retry-After the server asks for and completes', async () => {
    const { client, waits, events } = kit.recordingClient()
    const fx = kit.pullWith(client)
    const served = kit.script([
      { kind: 'throttle', count: 12, match: 'GET /api/data/v9.2/products', retryAfterSeconds: 3600 }
    ])
    await fx.engine.run({ environment: fx.environment, table: t.logical, maxPageSize: 50 })
    kit.countServed(served())
    expect(served()).toEqual({ throttle: 12 })
    // Each wait is the server's, not the client's own backoff (reference §6.2), capped at the
    // 5-minute service-protection window (MAX_RETRY_AFTER_MS): an hour is never slept.
    expect(waits).toEqual(Array(12).fill(300_000))
    expect(events.filter((e) => e.kind === 'throttled')).toHaveLength(12)
    const run = fx.store.runs.list({ kind: 'pull', limit: 1 })[0]!
    expect(run.figures).toMatchObject({ throttleWaitMs: 12 * 300_000 })
    await kit.expectCompletePull(fx, '429 storm on a pull')
    log.scenario('429 storm')
    fx.close()
  })

  it('an apply under a 429 storm on its writes halves its parallelism, waits, and writes each record once', async () => {
    const limits: number[] = []
    const { client, waits } = kit.recordingClient({
      onEvent: (e) => e.kind === 'throttled' && limits.push(client.transport.concurrency.limit)
    })
    const fx = kit.pushWith(client)
    const { plan, rows } = await kit.planFor(fx, 'S429-', 120)
    harness.sandbox.controls.limits.configure({ dopHint: 8 })
    const served = kit.script([
      { kind: 'throttle', count: 20, match: 'POST', retryAfterSeconds: 900 }
    ])
    const result = await fx.apply(plan.planId, { parallelism: 8 })
    kit.countServed(served())
    expect(served()).toEqual({ throttle: 20 })
    // 900 s asked, 300 s waited: the cap (MAX_RETRY_AFTER_MS).
    expect(result).toMatchObject({ created: 120, failed: 0, throttleWaitMs: 20 * 300_000 })
    expect(waits.filter((w) => w === 300_000)).toHaveLength(20)
    // Halved on each 429 (the hint was 8), never below one request at a time.
    expect(Math.min(...limits)).toBe(1)
    expect(Math.max(...limits)).toBeLessThanOrEqual(4)
    await kit.expectAppliedOnce(fx, plan.planId, 'S429-', rows, '429 storm on an apply')
    log.scenario('429 storm')
    fx.close()
  })

  it('a storm longer than the client will wait fails the pull with a clear message, and the next pull completes', async () => {
    const { client } = kit.recordingClient({ maxThrottleRetries: 5 })
    const fx = kit.pullWith(client)
    let served = (): Record<string, number> => ({})
    // Two pages get through first, so the failed run leaves work behind to resume.
    const failing = fx.engine.run({
      environment: fx.environment,
      table: t.logical,
      maxPageSize: 50,
      onProgress: (p) => {
        if (p.pages === 2)
          served = kit.script([
            {
              kind: 'throttle',
              count: 3,
              match: 'GET /api/data/v9.2/products',
              retryAfterSeconds: 60
            },
            {
              kind: 'throttle',
              count: 8,
              match: 'GET /api/data/v9.2/products',
              retryAfterSeconds: 3600
            }
          ])
      }
    })
    await expect(failing).rejects.toThrow(UnreachableError)
    await expect(failing).rejects.toThrow(/kept throttling .*products.* try again later/)
    const failed = fx.store.runs.list({ kind: 'pull', limit: 1 })[0]!
    expect(failed).toMatchObject({ status: 'failed' })
    expect(failed.message).toMatch(/kept throttling/)
    const final = await fx.engine.run({
      environment: fx.environment,
      table: t.logical,
      maxPageSize: 50
    })
    kit.countServed(served())
    // The first run gave up after 5 waits; the next waited out the rest of the storm.
    expect(served()).toEqual({ throttle: 11 })
    expect(final.mode).toBe('resync')
    await kit.expectCompletePull(fx, 'storm beyond the budget')
    log.scenario('429 storm')
    fx.close()
  })

  it('a real short Retry-After from service protection is waited out end to end', async () => {
    const fx = pullFixture(harness)
    // Service protection as Dataverse does it (§6.1): 3 requests per second per user.
    harness.sandbox.controls.limits.configure({ requestsPerWindow: 3, windowSeconds: 1 })
    harness.sandbox.controls.stats.reset()
    const started = performance.now()
    const result = await fx.engine.run({
      environment: fx.environment,
      table: t.logical,
      maxPageSize: 250
    })
    const elapsed = performance.now() - started
    const refused = harness.sandbox.controls.stats.snapshot().byStatus['429'] ?? 0
    harness.sandbox.controls.limits.configure(defaultLimits())
    log.fault('throttle (service protection, real wait)', refused)
    expect(refused).toBeGreaterThan(0)
    expect(elapsed).toBeGreaterThanOrEqual(1000)
    expect(result.created).toBe((await sandboxIds(harness, t)).length)
    await kit.expectCompletePull(fx, 'real Retry-After')
    log.scenario('429 real wait')
    fx.close()
  })
})

describe('5xx bursts', () => {
  it('a pull retries through bursts of 500 and 503 and completes', async () => {
    const { client, waits } = kit.recordingClient()
    const fx = kit.pullWith(client)
    const storm = kit.storm()
    const page = 'GET /api/data/v9.2/products'
    // A burst before the first page and after pages 2 and 5, each within the retry budget.
    const bursts: Record<number, ScriptedFault[]> = {
      0: [{ kind: 'fail-503', count: 3, match: page }],
      2: [
        { kind: 'fail-500', count: 2, match: page },
        { kind: 'fail-503', count: 2, match: page }
      ],
      5: [{ kind: 'fail-500', count: 5, match: page }]
    }
    storm.add(bursts[0]!)
    await fx.engine.run({
      environment: fx.environment,
      table: t.logical,
      maxPageSize: 50,
      onProgress: (p) => bursts[p.pages] && storm.add(bursts[p.pages]!)
    })
    kit.countServed(storm.served())
    expect(storm.served()).toEqual({ 'fail-503': 5, 'fail-500': 7 })
    expect(waits.length).toBe(12)
    await kit.expectCompletePull(fx, '5xx bursts on a pull')
    log.scenario('5xx burst')
    fx.close()
  })

  it('an apply retries its upserts through 503s and 500s without writing anything twice', async () => {
    await kit.applyThroughFaults(
      'S5XX-',
      80,
      [
        { kind: 'fail-503', count: 4, match: 'CreateMultiple' },
        { kind: 'fail-500', count: 4, match: 'CreateMultiple' }
      ],
      2,
      '5xx on upserts'
    )
    log.scenario('5xx burst')
  })

  it('a burst longer than the retry budget fails the apply cleanly; the next apply completes it', async () => {
    const { client } = kit.recordingClient({ maxAttempts: 3 })
    const fx = kit.pushWith(client)
    const { plan, rows } = await kit.planFor(fx, 'S5XB-', 60)
    const served = kit.script([{ kind: 'fail-503', count: 10, match: 'CreateMultiple' }])
    await expect(fx.apply(plan.planId, { parallelism: 1 })).rejects.toThrow(
      /kept failing POST products\/Microsoft\.Dynamics\.CRM\.CreateMultiple after 3 attempts .*try again later/
    )
    expect(fx.store.plans.get(plan.planId)?.status).toBe('partial')
    kit.countServed(served())
    expect(served()).toEqual({ 'fail-503': 3 })
    harness.sandbox.controls.faults.configure({ script: [] })
    const again = await fx.apply(plan.planId)
    expect(again.failed).toBe(0)
    await kit.expectAppliedOnce(fx, plan.planId, 'S5XB-', rows, '5xx beyond the budget')
    log.scenario('5xx burst')
    fx.close()
  })

  it('a 500 on a create is sent again safely: the repeat is refused as a duplicate key, read back, counted once', async () => {
    // Every planned create names its record by key in the body, so a CreateMultiple that did
    // arrive is refused when repeated (DuplicateRecordEntityKey), never made twice; the records
    // are then read back and hold the planned values.
    const { client } = kit.recordingClient()
    const fx = kit.pushWith(client)
    const { plan, rows } = await kit.planFor(fx, 'SCRE-', 40, 'create')
    const served = kit.script([{ kind: 'fail-500', count: 1, match: 'CreateMultiple' }])
    const result = await fx.apply(plan.planId, { parallelism: 1 })
    kit.countServed(served())
    expect(result).toMatchObject({ created: 40, failed: 0, conflicts: 0 })
    await kit.expectAppliedOnce(fx, plan.planId, 'SCRE-', rows, '500 on CreateMultiple')
    log.scenario('5xx burst')
    fx.close()
  })
})

describe('dropped connections', () => {
  it('a pull retries connections dropped before and in the middle of a response', async () => {
    const { client } = kit.recordingClient()
    const fx = kit.pullWith(client)
    const storm = kit.storm()
    const page = 'GET /api/data/v9.2/products'
    const drops: Record<number, ScriptedFault[]> = {
      0: [
        { kind: 'drop-before', count: 1, match: 'EntityDefinitions' },
        { kind: 'drop-before', count: 2, match: page },
        { kind: 'drop-mid-response', count: 2, match: page }
      ],
      3: [{ kind: 'drop-mid-response', count: 3, match: page }],
      6: [
        { kind: 'drop-before', count: 1, match: page },
        { kind: 'drop-mid-response', count: 1, match: page }
      ]
    }
    storm.add(drops[0]!)
    await fx.engine.run({
      environment: fx.environment,
      table: t.logical,
      maxPageSize: 40,
      onProgress: (p) => drops[p.pages] && storm.add(drops[p.pages]!)
    })
    kit.countServed(storm.served())
    expect(storm.served()).toEqual({ 'drop-before': 4, 'drop-mid-response': 6 })
    await kit.expectCompletePull(fx, 'drops on a pull')
    log.scenario('dropped connection')
    fx.close()
  })

  it('upserts whose answers were lost are sent again without duplicating a record', async () => {
    await kit.applyThroughFaults(
      'SDRP-',
      90,
      [
        { kind: 'drop-mid-response', count: 4, match: 'CreateMultiple' },
        { kind: 'drop-before', count: 2, match: 'CreateMultiple' }
      ],
      3,
      'drops on upserts'
    )
    log.scenario('dropped connection')
  })

  it('a create whose answer was lost is sent again by key: refused as a duplicate, read back, counted once', async () => {
    const { client } = kit.recordingClient()
    const fx = kit.pushWith(client)
    const { plan, rows } = await kit.planFor(fx, 'SDCR-', 30, 'create')
    const served = kit.script([{ kind: 'drop-mid-response', count: 1, match: 'CreateMultiple' }])
    const result = await fx.apply(plan.planId, { parallelism: 1 })
    kit.countServed(served())
    expect(result).toMatchObject({ created: 30, failed: 0, conflicts: 0 })
    await kit.expectAppliedOnce(fx, plan.planId, 'SDCR-', rows, 'drop on CreateMultiple')
    log.scenario('dropped connection')
    fx.close()
  })

  it('random 5xx and drops on every request: runs end complete or cleanly failed, and repeating them completes', async () => {
    const rnd = seeded(seed, 'storm:random')
    const faultSeed = rnd.int(1, 2 ** 30)
    const { client } = kit.recordingClient({ maxAttempts: 3 })
    const fx = kit.pushWith(client)
    const { plan, rows } = await kit.planFor(fx, 'SRND-', 240)
    harness.sandbox.controls.stats.reset()
    harness.sandbox.controls.faults.configure({ failRate: 0.15, dropRate: 0.15, seed: faultSeed })
    let failures = 0
    for (let attempt = 0; ; attempt++) {
      expect(attempt, `FAULT_SEED=${seed}`).toBeLessThan(20)
      try {
        await fx.apply(plan.planId, { parallelism: 3, batchSize: 5 })
        break
      } catch (err) {
        // Cleanly: an UnreachableError that says what happened, and the plan left resumable.
        expect(err, `FAULT_SEED=${seed}`).toBeInstanceOf(UnreachableError)
        expect(fx.store.plans.get(plan.planId)?.status).toBe('partial')
        failures += 1
      }
    }
    const injected = harness.sandbox.controls.stats.snapshot().faultsInjected
    harness.sandbox.controls.faults.configure({ failRate: 0, dropRate: 0 })
    log.fault('random 5xx or drop', injected)
    expect(injected).toBeGreaterThan(5)
    await kit.expectAppliedOnce(
      fx,
      plan.planId,
      'SRND-',
      rows,
      `random faults (${failures} failed runs)`
    )
    const mirror = kit.pullWith(client)
    await mirror.engine.run({ environment: mirror.environment, table: t.logical })
    await log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(harness, mirror, t)).toEqual([])
    )
    mirror.close()
    log.scenario('random faults')
    fx.close()
  })
})

describe('slow responses past the client timeout', () => {
  it('a pull whose answers come too late fails with the timeout named, and the next pull completes', async () => {
    const timeouts: TransportEvent[] = []
    const fx = pullFixture(harness, {
      timeoutMs: 120,
      maxAttempts: 3,
      onEvent: (e) => e.kind === 'retry' && timeouts.push(e)
    })
    await fx.engine.run({ environment: fx.environment, table: t.logical, maxPageSize: 60 })
    harness.sandbox.controls.faults.configure({ latencyMs: 400 })
    await harness.api('PATCH', `products(productnumber='PRD-0000007')`, { body: { price: 777 } })
    const failing = fx.engine.run({ environment: fx.environment, table: t.logical })
    await expect(failing).rejects.toThrow(/no answer within 120 ms/)
    harness.sandbox.controls.faults.configure({ latencyMs: 0 })
    log.fault('slow response (timeout)', timeouts.length + 1)
    const next = await fx.engine.run({ environment: fx.environment, table: t.logical })
    expect(next).toMatchObject({ mode: 'delta', updated: 1 })
    await log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(harness, fx, t)).toEqual([])
    )
    log.scenario('slow responses')
    fx.close()
  })

  it('an apply whose writes time out for a while retries them and writes each record once', async () => {
    const timeouts: TransportEvent[] = []
    const fx = pushFixture(harness)
    fx.client = new DataverseClient({
      environmentUrl: harness.sandbox.url,
      tokens: tokenSourceFrom(() => harness.sandbox.appToken()),
      timeoutMs: 150,
      baseDelayMs: 100,
      maxDelayMs: 400,
      onEvent: (e) => e.kind === 'retry' && /no answer/.test(e.reason) && timeouts.push(e)
    })
    const { plan, rows } = await kit.planFor(fx, 'SSLO-', 60)
    // Slow for 600 ms: the writes that time out are still done by the server, later.
    harness.sandbox.controls.faults.configure({ latencyMs: 300 })
    const slow = setTimeout(() => harness.sandbox.controls.faults.configure({ latencyMs: 0 }), 600)
    const result = await fx.apply(plan.planId, { parallelism: 2 })
    clearTimeout(slow)
    harness.sandbox.controls.faults.configure({ latencyMs: 0 })
    log.fault('slow response (timeout)', timeouts.length)
    expect(timeouts.length).toBeGreaterThan(0)
    expect(result.failed).toBe(0)
    await kit.expectAppliedOnce(fx, plan.planId, 'SSLO-', rows, 'slow writes')
    log.scenario('slow responses')
    fx.close()
  })
})
