import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DataverseClient } from '../../../src-main/dataverse/client'
import { UnreachableError } from '../../../src-main/dataverse/errors'
import type { TransportOptions } from '../../../src-main/dataverse/transport'
import { defaultLimits } from '../../../src-main/sandbox/control/limits'
import { probeClient, rejection, watchInFlight } from '../../support/client-probe'
import { SMALL_SEED, useSandbox } from '../../support/sandbox-harness'

/**
 * The transport's retry policy (src-main/dataverse/transport.ts) against the sandbox over HTTP:
 * 429 and Retry-After, parallelism from x-ms-dop-hint, 5xx and dropped connections. The
 * sandbox's scripted faults make each storm exact; an injected `sleep` records every wait
 * instead of spending it, so the suite asserts waits without waiting.
 */

const harness = useSandbox(SMALL_SEED)
const WHOAMI = 'GET /api/data/v9.2/WhoAmI'

const probe = (options: Partial<TransportOptions> = {}) => probeClient(harness, options)
const stats = () => harness.sandbox.controls.stats.snapshot()
const served = (status: number): number => stats().byStatus[String(status)] ?? 0
const faults = (settings: Parameters<typeof harness.sandbox.controls.faults.configure>[0]) =>
  harness.sandbox.controls.faults.configure(settings)

beforeEach(() => harness.sandbox.controls.stats.reset())
afterEach(() => {
  faults({ latencyMs: 0, failRate: 0, dropRate: 0, script: [] })
  harness.sandbox.controls.limits.configure(defaultLimits())
})

describe('429: Retry-After, then lower parallelism (reference §6.2, §6.3)', () => {
  it('waits what Retry-After says, counts the waits, halves the parallelism and climbs back', async () => {
    const { client, waits } = probe()
    await client.metadata.whoAmI()
    expect(client.transport.concurrency.limit).toBe(4) // the sandbox's default x-ms-dop-hint
    faults({ script: [{ kind: 'throttle', count: 2, match: WHOAMI, retryAfterSeconds: 1 }] })

    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    expect(served(429)).toBe(2)
    expect(waits).toEqual([1000, 1000])
    expect(client.metrics.snapshot()).toMatchObject({
      requests: 4,
      throttled: 2,
      throttleWaitMs: 2000,
      retries: 0,
      failures: 0
    })
    // Halved on each 429: 4 → 2 → 1, then one step up after limit × 4 successes.
    expect(client.transport.concurrency.limit).toBe(1)
    for (let i = 0; i < 3; i++) await client.metadata.whoAmI()
    expect(client.transport.concurrency.limit).toBe(2)
  })

  it('Retry-After: 0 resends at once', async () => {
    const { client, waits } = probe()
    faults({ script: [{ kind: 'throttle', count: 1, match: WHOAMI, retryAfterSeconds: 0 }] })
    await client.metadata.whoAmI()
    expect(waits).toEqual([0])
    expect(client.metrics.snapshot()).toMatchObject({ requests: 2, throttled: 1 })
  })

  it('gives up after its throttle budget with UnreachableError (exit 4)', async () => {
    const { client, waits } = probe({ maxThrottleRetries: 2 })
    faults({ script: [{ kind: 'throttle', count: 9, match: WHOAMI, retryAfterSeconds: 1 }] })
    const error = await rejection(client.metadata.whoAmI())
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(/kept throttling WhoAmI after 2 waits/)
    expect((error as UnreachableError).lastStatus).toBe(429)
    expect(waits).toEqual([1000, 1000])
    expect(served(429)).toBe(3)
  })
})

describe('parallelism from x-ms-dop-hint (ARCHITECTURE.md reliability rules)', () => {
  async function burst(client: DataverseClient, n: number): Promise<void> {
    await Promise.all(Array.from({ length: n }, () => client.metadata.whoAmI()))
  }

  it('starts with one request, rises to the hint and never goes above it', async () => {
    harness.sandbox.controls.limits.configure({ dopHint: 3 })
    faults({ latencyMs: 30 })
    const watch = watchInFlight(harness.sandbox.controls.limits)
    try {
      const { client } = probe()
      expect(client.transport.concurrency.limit).toBe(1)
      await burst(client, 12)
      // The second request was let in only once the first had answered with the hint.
      expect(watch.admissions.slice(0, 2)).toEqual([1, 1])
      expect(watch.max()).toBe(3)
      expect(client.transport.concurrency.serverHint).toBe(3)
    } finally {
      watch.restore()
    }
  })

  it('never goes above maxParallelism, whatever the server hints, and follows a lowered hint', async () => {
    harness.sandbox.controls.limits.configure({ dopHint: 8 })
    faults({ latencyMs: 30 })
    const watch = watchInFlight(harness.sandbox.controls.limits)
    try {
      const { client } = probe({ maxParallelism: 2 })
      await burst(client, 10)
      expect(watch.max()).toBe(2)

      const wide = probe().client
      await wide.metadata.whoAmI()
      expect(wide.transport.concurrency.limit).toBe(8)
      harness.sandbox.controls.limits.configure({ dopHint: 1 })
      await wide.metadata.whoAmI()
      expect(wide.transport.concurrency.limit).toBe(1)
      const before = watch.max()
      await burst(wide, 6)
      expect(watch.max()).toBe(before) // nothing overlapped beyond the earlier peak of 2
      expect(watch.admissions.slice(-6)).toEqual([1, 1, 1, 1, 1, 1])
    } finally {
      watch.restore()
    }
  })
})

describe('5xx and dropped connections: bounded retries with backoff and jitter', () => {
  it('retries 500 and 503 with exponential backoff; the jitter spreads each wait over its upper half', async () => {
    faults({
      script: [
        { kind: 'fail-503', count: 1, match: WHOAMI },
        { kind: 'fail-500', count: 1, match: WHOAMI },
        { kind: 'fail-503', count: 1, match: WHOAMI }
      ]
    })
    const low = probe({ baseDelayMs: 100, random: () => 0 })
    await expect(low.client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    expect(low.waits).toEqual([50, 100, 200])
    expect(low.events.map((e) => (e.kind === 'retry' ? e.reason : e.kind))).toEqual([
      expect.stringMatching(/^503 The service is temporarily unavailable/),
      expect.stringMatching(/^500 An unexpected error occurred/),
      expect.stringMatching(/^503 /)
    ])
    expect(low.client.metrics.snapshot()).toMatchObject({ requests: 4, retries: 3, failures: 0 })

    faults({ script: [{ kind: 'fail-503', count: 2, match: WHOAMI }] })
    const high = probe({ baseDelayMs: 100, random: () => 0.999, maxDelayMs: 150 })
    await high.client.metadata.whoAmI()
    // Capped by maxDelayMs: 100·2 = 200 → 150.
    expect(high.waits).toEqual([100, 150])
  })

  it('stops after maxAttempts with an UnreachableError that names the attempts', async () => {
    faults({ script: [{ kind: 'fail-500', count: 10, match: WHOAMI }] })
    const { client, waits } = probe({ maxAttempts: 3 })
    const error = await rejection(client.metadata.whoAmI())
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(
      /kept failing GET WhoAmI after 3 attempts \(last: 500 An unexpected error occurred/
    )
    expect(error).toMatchObject({ attempts: 3, lastStatus: 500 })
    expect(served(500)).toBe(3)
    expect(waits).toHaveLength(2)
    expect(client.metrics.snapshot()).toMatchObject({ requests: 3, retries: 2, failures: 1 })
  })

  it('retries a read whose connection dropped before the answer or in the middle of it', async () => {
    faults({
      script: [
        { kind: 'drop-before', count: 1, match: WHOAMI },
        { kind: 'drop-mid-response', count: 1, match: WHOAMI }
      ]
    })
    const { client, waits } = probe()
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    expect(waits).toHaveLength(2)
    expect(stats().byStatus['dropped']).toBe(2)
    expect(client.metrics.snapshot()).toMatchObject({ requests: 3, retries: 2 })
  })

  it('gives a host that refuses connections a short budget, creates included (nothing arrived)', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    for (const host of ['127.0.0.1', 'localhost']) {
      const { client, waits } = probe({ environmentUrl: `http://${host}:${port}` })
      const error = await rejection(
        client.transport.send({ method: 'POST', url: 'accounts', body: '{"name":"x"}' })
      )
      expect(error).toBeInstanceOf(UnreachableError)
      expect(error.message).toBe(
        `Could not get an answer from http://${host}:${port} for POST accounts after 3 attempt(s): ECONNREFUSED.`
      )
      expect(waits).toHaveLength(2)
    }
  })

  it('never repeats a create that may have been applied, and says so', async () => {
    const name = `Drop test ${Date.now()}`
    const { client } = probe()
    faults({
      script: [{ kind: 'drop-mid-response', count: 1, match: 'POST /api/data/v9.2/accounts' }]
    })
    const error = await rejection(
      client.transport.send({ method: 'POST', url: 'accounts', body: JSON.stringify({ name }) })
    )
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(/may have been applied; check before sending it again/)
    expect(stats().byRoute['POST accounts']).toBe(1)
    // The sandbox applied it once; the client did not send it a second time.
    const found = await harness.api('GET', `accounts?$select=name&$filter=name eq '${name}'`)
    expect(found.json.value).toHaveLength(1)
  })

  it('does not repeat a create after a 500 (the service may have done it) but does after a 503', async () => {
    const { client } = probe()
    const create = (name: string) =>
      client.transport.send({ method: 'POST', url: 'accounts', body: JSON.stringify({ name }) })
    faults({ script: [{ kind: 'fail-500', count: 1, match: 'POST /api/data/v9.2/accounts' }] })
    const error = await rejection(create(`After 500 ${Date.now()}`))
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(/500 An unexpected error occurred.*may have been applied/)
    expect(stats().byRoute['POST accounts']).toBe(1)

    faults({ script: [{ kind: 'fail-503', count: 1, match: 'POST /api/data/v9.2/accounts' }] })
    await expect(create(`After 503 ${Date.now()}`)).resolves.toMatchObject({ status: 204 })
    expect(stats().byRoute['POST accounts']).toBe(3)
  })

  it('repeats an upsert by key after a drop: sending it twice is harmless', async () => {
    const key = `DROP-${Date.now()}`
    const { client } = probe()
    faults({
      script: [{ kind: 'drop-mid-response', count: 1, match: 'PATCH /api/data/v9.2/accounts' }]
    })
    await client.transport.send({
      method: 'PATCH',
      url: `accounts(accountnumber='${key}')`,
      body: JSON.stringify({ name: 'Upserted twice' })
    })
    expect(stats().byRoute['PATCH accounts(…)']).toBe(2)
    const found = await harness.api(
      'GET',
      `accounts?$select=name&$filter=accountnumber eq '${key}'`
    )
    expect(found.json.value).toHaveLength(1)
  })
})
