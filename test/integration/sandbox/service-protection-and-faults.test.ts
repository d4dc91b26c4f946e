import { afterEach, describe, expect, it } from 'vitest'
import { defaultFaults } from '../../../src-main/sandbox/control/faults'
import { defaultLimits } from '../../../src-main/sandbox/control/limits'
import {
  expectError,
  startHarness,
  useSandbox,
  type ApiResult
} from '../../support/sandbox-harness'

/**
 * Service protection limits (reference §6) and the sandbox's fault injection: the failures a
 * client must survive, made exact and repeatable.
 */
const h = useSandbox({ seed: 'empty' })

afterEach(() => {
  h.sandbox.controls.limits.configure(defaultLimits())
  h.sandbox.controls.faults.configure(defaultFaults())
})

const count = async (): Promise<number> => Number((await h.api('GET', 'accounts/$count')).text)
const settle = (results: PromiseSettledResult<ApiResult>[]): (ApiResult | 'failed')[] =>
  results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed'))

describe('§6 service protection', () => {
  it('over the request window: 429, Retry-After in seconds and 0x80072322', async () => {
    h.sandbox.controls.limits.configure({ requestsPerWindow: 3, windowSeconds: 60 })
    for (let i = 0; i < 3; i++) expect((await h.api('GET', 'accounts/$count')).status).toBe(200)
    const res = await h.api('GET', 'accounts/$count')
    expectError(
      res,
      429,
      '0x80072322',
      'Number of requests exceeded the limit of 3 over time window of 60 seconds.'
    )
    const retryAfter = Number(res.headers.get('retry-after'))
    expect(Number.isInteger(retryAfter)).toBe(true)
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
  })

  it('a refused request is not applied', async () => {
    const before = await count()
    h.sandbox.controls.limits.configure({ requestsPerWindow: 1, windowSeconds: 60 })
    await h.api('GET', 'accounts/$count')
    const res = await h.api('POST', 'accounts', { body: { name: 'throttled' } })
    expect(res.status).toBe(429)
    h.sandbox.controls.limits.configure(defaultLimits())
    expect(await count()).toBe(before)
  })

  it('over the concurrency cap: 429 at once with 0x80072326', async () => {
    h.sandbox.controls.limits.configure({ maxConcurrent: 2 })
    h.sandbox.controls.faults.configure({ latencyMs: 250 })
    const results = await Promise.all(
      Array.from({ length: 5 }, () => h.api('GET', 'accounts/$count'))
    )
    const refused = results.filter((r) => r.status === 429)
    expect(results.filter((r) => r.status === 200)).toHaveLength(2)
    expect(refused).toHaveLength(3)
    for (const r of refused) {
      expectError(r, 429, '0x80072326', 'Number of concurrent requests exceeded the limit of 2.')
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    }
  })

  it('sends x-ms-dop-hint (the suggested degree of parallelism) on every API response', async () => {
    expect((await h.api('GET', 'accounts/$count')).headers.get('x-ms-dop-hint')).toBe('4')
    h.sandbox.controls.limits.configure({ dopHint: 8 })
    expect((await h.api('GET', 'WhoAmI')).headers.get('x-ms-dop-hint')).toBe('8')
  })

  it('limits set at start, as `dvsync sandbox --throttle 2/30` does, apply from the first request', async () => {
    const throttled = await startHarness({
      seed: 'empty',
      limits: { requestsPerWindow: 2, windowSeconds: 30 }
    })
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await throttled.api('GET', 'WhoAmI')).status)
      expect(statuses).toEqual([200, 200, 429])
    } finally {
      await throttled.close()
    }
  })
})

describe('fault injection', () => {
  it('a scripted storm: the next two requests fail with 503, then service resumes', async () => {
    const before = await count()
    const injected = h.sandbox.controls.stats.snapshot().faultsInjected
    h.sandbox.controls.faults.configure({ script: [{ kind: 'fail-503', count: 2 }] })
    const statuses = []
    for (let i = 0; i < 3; i++) {
      const res = await h.api('POST', 'accounts', { body: { name: `storm ${i}` } })
      statuses.push(res.status)
      if (res.status === 503) {
        expectError(res, 503, '0x80040216')
        expect(res.headers.get('x-ms-dop-hint')).toBe('4')
      }
    }
    expect(statuses).toEqual([503, 503, 204])
    expect(await count()).toBe(before + 1)
    expect(h.sandbox.controls.stats.snapshot().faultsInjected).toBe(injected + 2)
  })

  it('a scripted fault can target requests by method and path', async () => {
    h.sandbox.controls.faults.configure({
      script: [{ kind: 'fail-500', count: 1, match: 'POST /api/data/v9.2/accounts' }]
    })
    expect((await h.api('GET', 'accounts/$count')).status).toBe(200)
    expect((await h.api('POST', 'accounts', { body: { name: 'hit' } })).status).toBe(500)
    expect((await h.api('POST', 'accounts', { body: { name: 'after' } })).status).toBe(204)
  })

  it('a scripted throttle answers 429 with the given Retry-After', async () => {
    h.sandbox.controls.faults.configure({
      script: [{ kind: 'throttle', count: 1, retryAfterSeconds: 7 }]
    })
    const res = await h.api('GET', 'WhoAmI')
    expectError(res, 429, '0x80072322')
    expect(res.headers.get('retry-after')).toBe('7')
  })

  it('a random fail rate fails some requests with 500/503, and failed writes are not applied', async () => {
    const before = await count()
    h.sandbox.controls.faults.configure({ failRate: 0.5, seed: 7 })
    const statuses: number[] = []
    for (let i = 0; i < 30; i++) {
      statuses.push((await h.api('POST', 'accounts', { body: { name: `random ${i}` } })).status)
    }
    h.sandbox.controls.faults.configure({ failRate: 0 })
    const ok = statuses.filter((s) => s === 204).length
    expect(new Set(statuses)).toEqual(new Set([204, 500, 503]))
    expect(ok).toBeGreaterThan(5)
    expect(ok).toBeLessThan(25)
    expect(await count()).toBe(before + ok)
  })

  it('a connection dropped before the work: the request fails and nothing is written', async () => {
    h.sandbox.controls.faults.configure({ script: [{ kind: 'drop-before', count: 1 }] })
    await expect(
      h.api('PATCH', "accounts(accountnumber='DROP-BEFORE')", { body: { name: 'lost' } })
    ).rejects.toThrow()
    expect((await h.api('GET', "accounts(accountnumber='DROP-BEFORE')")).status).toBe(404)
  })

  it('a connection dropped mid-response: the client sees a failure, but the write was applied', async () => {
    h.sandbox.controls.faults.configure({ script: [{ kind: 'drop-mid-response', count: 1 }] })
    await expect(
      h.api('PATCH', "accounts(accountnumber='DROP-MID')?$select=name", {
        headers: { Prefer: 'return=representation' },
        body: { name: 'applied anyway' }
      })
    ).rejects.toThrow()
    const res = await h.api('GET', "accounts(accountnumber='DROP-MID')?$select=name")
    expect(res.json.name).toBe('applied anyway')
    // Retrying the idempotent upsert is safe: still one record.
    await h.api('PATCH', "accounts(accountnumber='DROP-MID')", { body: { name: 'retried' } })
    expect((await h.api('GET', "accounts/$count?$filter=accountnumber eq 'DROP-MID'")).text).toBe(
      '1'
    )
  })

  it('latency delays every API response', async () => {
    h.sandbox.controls.faults.configure({ latencyMs: 150 })
    const started = Date.now()
    await h.api('GET', 'WhoAmI')
    expect(Date.now() - started).toBeGreaterThanOrEqual(145)
  })

  it('a drop rate drops connections, with both kinds over a run', async () => {
    h.sandbox.controls.faults.configure({ dropRate: 1, seed: 3 })
    const results = settle(
      await Promise.allSettled(Array.from({ length: 4 }, () => h.api('GET', 'WhoAmI')))
    )
    expect(results.every((r) => r === 'failed')).toBe(true)
  })
})

describe('the /_sandbox/ admin controls over HTTP', () => {
  const admin = (method: string, path: string, body?: unknown, key?: string) =>
    h.api(method, `/_sandbox/${path}`, {
      token: null,
      headers: { 'x-sandbox-admin-key': key ?? h.sandbox.adminKey },
      ...(body !== undefined ? { body } : {})
    })

  it('refuse a missing or wrong x-sandbox-admin-key with 401', async () => {
    expect((await h.api('GET', '/_sandbox/status', { token: null })).status).toBe(401)
    expect((await admin('GET', 'status', undefined, 'wrong')).status).toBe(401)
  })

  it('GET /_sandbox/info is public: how a client configures itself', async () => {
    const res = await h.api('GET', '/_sandbox/info', { token: null })
    expect(res.json).toMatchObject({
      url: h.sandbox.url,
      apiBase: h.sandbox.apiBase,
      clientId: h.sandbox.clientId,
      publicClientId: h.sandbox.publicClientId
    })
  })

  it('status, faults, limits, clock and stats', async () => {
    const status = await admin('GET', 'status')
    expect(status.status).toBe(200)
    expect(status.json.tables.map((t: { logicalName: string }) => t.logicalName)).toContain(
      'account'
    )
    await admin('POST', 'faults', { script: [{ kind: 'fail-503', count: 1 }] })
    expect((await h.api('GET', 'WhoAmI')).status).toBe(503)
    await admin('POST', 'limits', { dopHint: 2 })
    expect((await h.api('GET', 'WhoAmI')).headers.get('x-ms-dop-hint')).toBe('2')
    const moved = await admin('POST', 'clock', { advanceDays: 1 })
    expect(moved.json.clockOffsetMs).toBeGreaterThanOrEqual(status.json.clockOffsetMs + 86_400_000)
    const reset = await admin('POST', 'stats/reset')
    expect(reset.json.total).toBe(0)
    await h.api('GET', 'WhoAmI')
    expect((await admin('GET', 'status')).json.stats.byRoute['GET WhoAmI']).toBe(1)
  })

  it('refuse bad settings with 400 and keep the old ones', async () => {
    for (const bad of [
      { failRate: 2 },
      { latencyMs: -1 },
      { script: [{ kind: 'explode', count: 1 }] },
      { script: [{ kind: 'fail-503', count: 0 }] }
    ]) {
      const res = await admin('POST', 'faults', bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
    }
    expect((await admin('GET', 'status')).json.faults).toMatchObject({
      failRate: 0,
      latencyMs: 0,
      script: []
    })
    expect((await h.api('GET', 'WhoAmI')).status).toBe(200)
    expect((await admin('POST', 'limits', { maxConcurrent: 0 })).status).toBe(400)
    expect((await admin('GET', 'status')).json.limits.maxConcurrent).toBe(52)
  })
})
