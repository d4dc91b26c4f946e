import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataverseClient } from '../../../src-main/dataverse/client'
import {
  AuthenticationError,
  CancelledError,
  DataverseError,
  ProtocolError,
  UnreachableError
} from '../../../src-main/dataverse/errors'
import { RequestMetrics } from '../../../src-main/dataverse/metrics'
import type { TransportOptions } from '../../../src-main/dataverse/transport'
import { defaultLimits } from '../../../src-main/sandbox/control/limits'
import { probeClient, rejection } from '../../support/client-probe'
import { SMALL_SEED, useSandbox } from '../../support/sandbox-harness'
import { startRecorder, startTamperProxy } from '../../support/tamper-proxy'

/**
 * The transport's other duties (src-main/dataverse/transport.ts), against the sandbox over HTTP:
 * one token refresh on 401, metrics, Dataverse's error code and message, links that leave the
 * environment, bodies that are not what the Web API sends, timeouts and cancellation.
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

describe('401: one token refresh, then the answer stands (reference §9)', () => {
  function withTokens(get: (force: boolean) => Promise<string>): {
    client: DataverseClient
    asks: boolean[]
  } {
    const asks: boolean[] = []
    const client = new DataverseClient({
      environmentUrl: harness.sandbox.url,
      tokens: {
        getToken: async (o) => {
          asks.push(o?.forceRefresh ?? false)
          return get(o?.forceRefresh ?? false)
        }
      }
    })
    return { client, asks }
  }

  it('asks for a forced refresh once and retries with the new token', async () => {
    const { client, asks } = withTokens(async (force) => (force ? harness.token : 'stale-token'))
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    expect(asks).toEqual([false, true])
    expect(served(401)).toBe(1)
    expect(client.metrics.snapshot()).toMatchObject({ requests: 2, retries: 0 })
  })

  it('a second 401 is an AuthenticationError; nothing more is sent', async () => {
    const { client, asks } = withTokens(async () => 'never-valid-token')
    const error = await rejection(client.metadata.whoAmI())
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error.message).toMatch(/did not accept the access token .* even after refreshing it/)
    expect(error.message).not.toContain('never-valid-token')
    expect(asks).toEqual([false, true])
    expect(served(401)).toBe(2)
  })

  it("passes the sign-in layer's own errors through with their type, so callers can act on them", async () => {
    class SignInNeeded extends AuthenticationError {
      readonly code = 'sign-in-required'
    }
    const failure = new SignInNeeded('The saved sign-in is no longer accepted. Sign in again.')
    const typed = withTokens(() => Promise.reject(failure)).client
    const error = await rejection(typed.metadata.whoAmI())
    expect(error).toBeInstanceOf(SignInNeeded)
    expect(error.message).toMatch(
      /^Could not get an access token for http:\/\/127\.0\.0\.1:\d+: The saved sign-in/
    )

    const plain = withTokens(() => Promise.reject(new Error('keychain locked'))).client
    const wrapped = await rejection(plain.metadata.whoAmI())
    expect(wrapped).toBeInstanceOf(AuthenticationError)
    expect(wrapped.message).toMatch(/Could not get an access token .*: keychain locked/)
    expect(stats().total).toBe(0)
  })
})

describe('metrics and errors', () => {
  it('counts and times every request, failures included', async () => {
    const { client } = probe()
    for (let i = 0; i < 3; i++) await client.metadata.whoAmI()
    await rejection(
      client.transport.send({
        method: 'GET',
        url: 'accounts(00000000-0000-0000-0000-00000000abcd)'
      })
    )
    const figures = client.metrics.snapshot()
    expect(figures).toMatchObject({ requests: 4, failures: 1, retries: 0, throttled: 0 })
    expect(figures.requests).toBe(stats().total)
    expect(figures.totalRequestMs).toBeGreaterThan(0)
    expect(figures.maxRequestMs).toBeGreaterThan(0)
    expect(figures.maxRequestMs).toBeLessThanOrEqual(figures.totalRequestMs)
    expect(figures.bytesReceived).toBeGreaterThan(100)
    const later = client.metrics.snapshot()
    await client.metadata.whoAmI()
    expect(client.metrics.since(later)).toMatchObject({ requests: 1, failures: 0 })
    // A run's longest request is its own, not the session's (one client serves many runs).
    const own = client.metrics.since(later)
    expect(own.maxRequestMs).toBe(own.totalRequestMs)
    const session = new RequestMetrics()
    session.request(1500, 10) // a slow sign-in hour ago
    const run = session.snapshot()
    session.request(3, 10)
    session.request(7, 10)
    expect(session.since(run)).toMatchObject({ requests: 2, totalRequestMs: 10, maxRequestMs: 7 })
    expect(session.snapshot().maxRequestMs).toBe(1500)
  })

  it("carries Dataverse's status, code and message verbatim (reference §7)", async () => {
    const { client } = probe()
    const id = '00000000-0000-0000-0000-00000000abcd'
    const missing = await rejection(
      client.transport.send({ method: 'GET', url: `accounts(${id})` })
    )
    expect(missing).toBeInstanceOf(DataverseError)
    expect(missing).toMatchObject({
      status: 404,
      code: '0x80040217',
      serviceMessage: `Entity 'account' With Id = ${id} Does Not Exist`,
      method: 'GET',
      resource: `accounts(${id})`
    })
    expect(missing.message).toBe(
      `Dataverse refused GET accounts(${id}) (404 0x80040217): Entity 'account' With Id = ${id} Does Not Exist`
    )

    const bad = await rejection(client.query('accounts?$select=nosuchcolumn').next())
    expect(bad).toMatchObject({ status: 400, code: '0x80060888' })
    expect((bad as DataverseError).serviceMessage).toMatch(/nosuchcolumn/)
    // The query string (where values and tokens may live) is not part of the message.
    expect(bad.message).toMatch(/^Dataverse refused GET accounts \(400 0x80060888\)/)
  })
})

describe('what arrives is checked: links, content types, bodies', () => {
  it('refuses a nextLink to another host without sending it the token', async () => {
    const proxy = await startTamperProxy(harness.sandbox.url)
    const foreign = await startRecorder()
    try {
      proxy.tamper = (exchange) => ({
        ...exchange,
        body: exchange.body.replace(
          /"@odata\.nextLink":"http:\/\/127\.0\.0\.1:\d+/,
          `"@odata.nextLink":"${foreign.url}`
        )
      })
      const client = new DataverseClient({
        environmentUrl: proxy.url,
        tokens: { getToken: async () => harness.token }
      })
      const pages = client.query('accounts?$select=name', { maxPageSize: 5 })
      const first = await pages.next()
      expect(first.value?.rows).toHaveLength(5)
      const error = await rejection(pages.next())
      expect(error).toBeInstanceOf(ProtocolError)
      expect(error.message).toBe(
        `The service sent a link to ${foreign.url}, outside the environment ${proxy.url}; it was not followed, so your token stayed here.`
      )
      expect(foreign.requests).toEqual([])
    } finally {
      await Promise.all([proxy.close(), foreign.close()])
    }
  })

  it('says clearly when a page is not JSON or was cut short', async () => {
    const proxy = await startTamperProxy(harness.sandbox.url)
    try {
      const client = new DataverseClient({
        environmentUrl: proxy.url,
        tokens: { getToken: async () => harness.token }
      })
      proxy.tamper = () => ({
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: '<html><body>Please sign in to the corporate proxy</body></html>'
      })
      const html = await rejection(client.query('accounts?$select=name').next())
      expect(html).toBeInstanceOf(ProtocolError)
      expect(html.message).toBe(
        "Expected JSON for the page of accounts but the service sent 'text/html; charset=utf-8' (starting '<html><body>Please sign in to the corporate proxy</body></html>')."
      )

      proxy.tamper = (exchange) => ({
        ...exchange,
        body: exchange.body.slice(0, exchange.body.length / 2)
      })
      const cut = await rejection(client.query('accounts?$select=name').next())
      expect(cut).toBeInstanceOf(ProtocolError)
      expect(cut.message).toMatch(
        /^The response for the page of accounts is not valid JSON \(.*\); it may have been cut off in transit\.$/
      )

      proxy.tamper = (exchange) => ({ ...exchange, body: '{"value":{"name":"not a list"}}' })
      const shape = await rejection(client.query('accounts?$select=name').next())
      expect(shape.message).toBe(
        "The response for the page of accounts has no 'value' array of records."
      )
    } finally {
      await proxy.close()
    }
  })
})

describe('timeouts and cancellation', () => {
  it('abandons an answer slower than timeoutMs and retries', async () => {
    faults({ latencyMs: 3000 })
    // The retry finds a fast service again.
    const { client, events } = probe({
      timeoutMs: 400,
      onEvent: (e) => {
        events.push(e)
        if (e.kind === 'retry') faults({ latencyMs: 0 })
      }
    })
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
    expect(events).toEqual([
      expect.objectContaining({ kind: 'retry', reason: 'no answer within 400 ms', attempt: 1 })
    ])

    faults({ latencyMs: 3000 })
    const slow = probe({ timeoutMs: 400, maxAttempts: 2 }).client
    const error = await rejection(slow.metadata.whoAmI())
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(/after 2 attempt\(s\): no answer within 400 ms/)
  })

  it('stops between pages when cancelled: no further request is sent', async () => {
    const controller = new AbortController()
    const { client } = probe()
    const pages = client.query('products?$select=name', {
      maxPageSize: 5,
      signal: controller.signal
    })
    await pages.next()
    expect(stats().total).toBe(1)
    controller.abort()
    await expect(pages.next()).rejects.toBeInstanceOf(CancelledError)
    expect(stats().total).toBe(1)
  })

  it('cancels a Retry-After wait without sending again', async () => {
    const controller = new AbortController()
    faults({ script: [{ kind: 'throttle', count: 1, match: WHOAMI, retryAfterSeconds: 60 }] })
    // The real sleep: a 60 s wait that only the abort can end.
    const { client } = probe({
      sleep: undefined,
      onEvent: (e) => {
        if (e.kind === 'throttled') setImmediate(() => controller.abort())
      }
    })
    const error = await rejection(
      client.transport.send({ method: 'GET', url: 'WhoAmI', signal: controller.signal })
    )
    expect(error).toBeInstanceOf(CancelledError)
    expect(stats().total).toBe(1)
  })
})
