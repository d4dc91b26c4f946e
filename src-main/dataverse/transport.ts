import { AdaptiveConcurrency } from './concurrency'
import { AuthenticationError, CancelledError, ProtocolError, UnreachableError } from './errors'
import { RequestMetrics } from './metrics'
import {
  describeResource,
  errorBody,
  isConnectFailure,
  networkProblem,
  quoteResponse,
  readBody,
  redirectTarget,
  retryAfterMs,
  toDataverseError
} from './transport-answers'
import type { TokenSource } from './token-source'

export interface TransportOptions {
  /** The environment URL, e.g. https://contoso.crm.dynamics.com (no /api/data). */
  environmentUrl: string
  tokens: TokenSource
  apiVersion?: string
  metrics?: RequestMetrics
  /** Most requests in flight at once, whatever the server hints. */
  maxParallelism?: number
  /**
   * Per attempt (default 120 s, the Dataverse SDK clients' own request timeout): an answer not
   * complete by then is abandoned. One whose headers came but whose body trickled or stalled is
   * retried once at most, so a slow-loris server costs two timeouts, each said by a retry event,
   * not six in silence; a service slow to start answering keeps the full attempt budget.
   */
  timeoutMs?: number
  /**
   * Once the headers have come, the longest gap between two pieces of the body (default 60 s, or
   * timeoutMs when shorter): a connection that stalls mid-answer is given up before the timeout.
   */
  idleTimeoutMs?: number
  /** Attempts for 5xx and dropped connections (429s have their own budget). */
  maxAttempts?: number
  /**
   * Attempts when no connection can be made at all (refused, unknown host): a wrong URL or a
   * stopped service is reported within about a second rather than after the full budget.
   */
  maxConnectAttempts?: number
  maxThrottleRetries?: number
  /**
   * The largest answer read, in bytes (default 256 MiB, far above a 5,000-row page): an endless
   * or enormous body from a broken proxy or a hostile server is abandoned rather than held.
   */
  maxResponseBytes?: number
  baseDelayMs?: number
  maxDelayMs?: number
  random?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Reports waits and retries as they happen (progress lines, run journal). */
  onEvent?: (event: TransportEvent) => void
}

export type TransportEvent =
  /** `retryAfter`: the header as the service sent it, when it sent one (the wait may be capped). */
  | { kind: 'throttled'; waitMs: number; resource: string; retryAfter?: string }
  | { kind: 'retry'; attempt: number; reason: string; waitMs: number; resource: string }

export interface HttpRequest {
  method: string
  /** Relative to the Web API root ("products?$select=name") or an absolute link it sent. */
  url: string
  headers?: Record<string, string>
  body?: string
  /** Whether sending it twice is harmless (GET, PATCH upsert, DELETE…). POST creates are not. */
  idempotent?: boolean
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  headers: Headers
  text: string
}

const RETRYABLE_STATUS = new Set([500, 502, 503, 504])
/** The Web API never redirects; a redirect is followed by no one, with or without the token. */
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 2 ** 20
/** Attempts whose body trickled or stalled past a timeout before giving up (see timeoutMs). */
const MAX_SLOW_BODY_ATTEMPTS = 2

/**
 * The one way requests leave the product: bearer token, OData headers, parallelism gate,
 * retries with backoff and jitter, Retry-After on 429, one token refresh on 401, metrics.
 * A link to another host is never followed with the user's token.
 */
export class Transport {
  readonly apiRoot: string
  readonly origin: string
  readonly metrics: RequestMetrics
  readonly concurrency: AdaptiveConcurrency
  private readonly options: Required<
    Omit<TransportOptions, 'metrics' | 'onEvent' | 'maxParallelism' | 'apiVersion'>
  >

  constructor(private readonly config: TransportOptions) {
    const url = new URL(config.environmentUrl)
    this.origin = url.origin
    this.apiRoot = `${url.origin}/api/data/${config.apiVersion ?? 'v9.2'}/`
    this.metrics = config.metrics ?? new RequestMetrics()
    this.concurrency = new AdaptiveConcurrency(config.maxParallelism)
    this.options = {
      environmentUrl: config.environmentUrl,
      tokens: config.tokens,
      timeoutMs: config.timeoutMs ?? 120_000,
      idleTimeoutMs: Math.min(config.idleTimeoutMs ?? 60_000, config.timeoutMs ?? 120_000),
      maxAttempts: config.maxAttempts ?? 6,
      maxConnectAttempts: config.maxConnectAttempts ?? 3,
      maxThrottleRetries: config.maxThrottleRetries ?? 30,
      maxResponseBytes: config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      baseDelayMs: config.baseDelayMs ?? 500,
      maxDelayMs: config.maxDelayMs ?? 30_000,
      random: config.random ?? Math.random,
      sleep: config.sleep ?? sleep
    }
  }

  /** An absolute URL for a request, refusing links that leave the environment. */
  resolve(url: string): string {
    if (!/^https?:\/\//i.test(url)) return this.apiRoot + url.replace(/^\//, '')
    let target: URL
    try {
      target = new URL(url)
    } catch {
      throw new ProtocolError(
        `The service sent a link that is not a URL ('${quoteResponse(url.slice(0, 100))}'); it was not followed.`
      )
    }
    if (target.origin !== this.origin) {
      throw new ProtocolError(
        `The service sent a link to ${target.origin}, outside the environment ${this.origin}; it was not followed, so your token stayed here.`
      )
    }
    return target.href
  }

  /** Sends a request, retrying what may be retried, and returns the final response or throws. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const url = this.resolve(request.url)
    const resource = describeResource(url, this.apiRoot)
    const idempotent = request.idempotent ?? request.method !== 'POST'
    let attempt = 0
    let throttles = 0
    let slowBodies = 0
    let refreshed = false
    let forceRefresh = false
    let lastProblem: string
    let lastStatus: number | undefined
    for (;;) {
      if (request.signal?.aborted) throw new CancelledError()
      attempt += 1
      const outcome = await this.attempt(request, url, forceRefresh)
      forceRefresh = false
      if (outcome.kind === 'response') {
        const { response } = outcome
        lastStatus = response.status
        const hint = Number(response.headers.get('x-ms-dop-hint'))
        if (hint) this.concurrency.observeDopHint(hint)
        if (REDIRECT_STATUS.has(response.status)) {
          this.metrics.failure()
          throw new ProtocolError(
            `Dataverse at ${this.origin} answered ${request.method} ${resource} with a redirect (${response.status}) to ${redirectTarget(response, url)}; it was not followed, so your token stayed here. Check the environment URL.`
          )
        }
        if (response.status === 401 && !refreshed) {
          // The token may have expired in flight: one refresh, then the answer stands (§9).
          refreshed = true
          forceRefresh = true
          attempt -= 1
          continue
        }
        if (response.status === 401) {
          throw new AuthenticationError(
            `Dataverse did not accept the access token for ${this.origin} even after refreshing it: ${(errorBody(response).message || 'unauthorized').replace(/\.+$/, '')}. Sign in again, or check that the account or app user has access to this environment.`
          )
        }
        if (response.status === 429) {
          throttles += 1
          this.concurrency.throttled()
          if (throttles > this.options.maxThrottleRetries) {
            throw new UnreachableError(
              `Dataverse kept throttling ${resource} after ${throttles - 1} waits; try again later or lower the parallelism.`,
              attempt,
              429
            )
          }
          const waitMs = retryAfterMs(response) ?? this.backoff(throttles)
          const asked = response.headers.get('retry-after')
          this.metrics.throttle(waitMs)
          this.config.onEvent?.({
            kind: 'throttled',
            waitMs,
            resource,
            ...(asked !== null ? { retryAfter: quoteResponse(asked.slice(0, 40)) } : {})
          })
          await this.options.sleep(waitMs, request.signal)
          attempt -= 1
          continue
        }
        if (RETRYABLE_STATUS.has(response.status)) {
          lastProblem = `${response.status} ${errorBody(response).message}`.trim()
          // 503 says the service did not take the request on; after a 500, 502 or 504 the
          // work may have been done (a gateway gives up on a backend that goes on), so a
          // request that is not safe to repeat is reported rather than sent twice.
          if (!idempotent && response.status !== 503) {
            this.metrics.failure()
            throw new UnreachableError(
              `Dataverse at ${this.origin} failed ${request.method} ${resource} (${lastProblem}). The request may have been applied; check before sending it again.`,
              attempt,
              response.status
            )
          }
          if (attempt >= this.options.maxAttempts) {
            this.metrics.failure()
            throw new UnreachableError(
              `Dataverse at ${this.origin} kept failing ${request.method} ${resource} after ${attempt} attempts (last: ${lastProblem}); try again later.`,
              attempt,
              response.status
            )
          }
          await this.pause(attempt, lastProblem, resource, retryAfterMs(response), request.signal)
          continue
        }
        if (response.status >= 400) {
          this.metrics.failure()
          throw toDataverseError(response, request.method, resource)
        }
        this.concurrency.succeeded()
        return response
      }
      lastProblem = outcome.problem
      if (outcome.cancelled) throw new CancelledError()
      if (outcome.slowBody) slowBodies += 1
      // A request that may have reached the server is only repeated when repeating is harmless.
      const budget = outcome.mayHaveArrived
        ? this.options.maxAttempts
        : Math.min(this.options.maxAttempts, this.options.maxConnectAttempts)
      const retry =
        (idempotent || !outcome.mayHaveArrived) &&
        attempt < budget &&
        slowBodies < MAX_SLOW_BODY_ATTEMPTS
      if (!retry) {
        this.metrics.failure()
        throw new UnreachableError(
          `Could not get an answer from ${this.origin} for ${request.method} ${resource} after ${attempt} attempt(s): ${lastProblem}.${idempotent || !outcome.mayHaveArrived ? '' : ' The request may have been applied; check before sending it again.'}`,
          attempt,
          lastStatus
        )
      }
      await this.pause(attempt, lastProblem, resource, undefined, request.signal)
    }
  }

  private async attempt(
    request: HttpRequest,
    url: string,
    forceRefresh: boolean
  ): Promise<
    | { kind: 'response'; response: HttpResponse }
    | {
        kind: 'failed'
        problem: string
        mayHaveArrived: boolean
        cancelled: boolean
        /** The headers came, the body did not in time: trickled (slow loris) or stalled. */
        slowBody: boolean
      }
  > {
    let token: string
    try {
      token = await this.options.tokens.getToken({ forceRefresh })
    } catch (err) {
      const message = `Could not get an access token for ${this.origin}: ${(err as Error).message}`
      // The sign-in layer's errors say what to do (sign in again, unlock the keychain…) by
      // their type and code: they travel on whole, only their message gains the environment.
      if (err instanceof AuthenticationError) {
        if (!err.message.startsWith('Could not get an access token')) err.message = message
        throw err
      }
      throw new AuthenticationError(message)
    }
    const release = await this.concurrency.acquire()
    const started = performance.now()
    let sent = false
    const idle = new AbortController()
    let idleTimer: NodeJS.Timeout | undefined
    let stalled = false
    const stillComing = (): void => {
      clearTimeout(idleTimer)
      idleTimer = setTimeout(() => {
        stalled = true
        idle.abort()
      }, this.options.idleTimeoutMs)
    }
    try {
      const timeout = AbortSignal.timeout(this.options.timeoutMs)
      const signal = AbortSignal.any([
        ...(request.signal ? [request.signal] : []),
        timeout,
        idle.signal
      ])
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'OData-MaxVersion': '4.0',
        'OData-Version': '4.0',
        ...(request.body !== undefined
          ? { 'Content-Type': 'application/json; charset=utf-8' }
          : {}),
        ...request.headers,
        Authorization: `Bearer ${token}`
      }
      const res = await fetch(url, {
        method: request.method,
        headers,
        body: request.body,
        signal,
        redirect: 'manual'
      })
      sent = true
      stillComing()
      const text = await readBody(res, this.options.maxResponseBytes, stillComing)
      if (text === undefined) {
        this.metrics.request(performance.now() - started, this.options.maxResponseBytes)
        this.metrics.failure()
        throw new ProtocolError(
          `The answer to ${request.method} ${describeResource(url, this.apiRoot)} from ${this.origin} is larger than ${Math.round(this.options.maxResponseBytes / 2 ** 20)} MB; it was abandoned. Ask for smaller pages (dvsync pull --page-size) or check what answers at this address.`
        )
      }
      this.metrics.request(performance.now() - started, Buffer.byteLength(text))
      return { kind: 'response', response: { status: res.status, headers: res.headers, text } }
    } catch (err) {
      if (err instanceof ProtocolError) throw err
      this.metrics.request(performance.now() - started, 0)
      const cancelled = request.signal?.aborted ?? false
      const timedOut = !cancelled && (stalled || (err as Error).name === 'TimeoutError')
      const problem = stalled
        ? `the answer stalled: nothing more arrived for ${this.options.idleTimeoutMs} ms`
        : timedOut && sent
          ? `the answer was still incomplete after ${this.options.timeoutMs} ms`
          : timedOut
            ? `no answer within ${this.options.timeoutMs} ms`
            : networkProblem(err)
      return {
        kind: 'failed',
        problem,
        mayHaveArrived: sent || !isConnectFailure(err),
        cancelled,
        slowBody: timedOut && sent
      }
    } finally {
      clearTimeout(idleTimer)
      release()
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempt - 1))
    // Full jitter: clients that failed together don't retry together.
    return Math.round(ceiling / 2 + (this.options.random() * ceiling) / 2)
  }

  private async pause(
    attempt: number,
    reason: string,
    resource: string,
    serverWaitMs: number | undefined,
    signal?: AbortSignal
  ): Promise<void> {
    const waitMs = serverWaitMs ?? this.backoff(attempt)
    this.metrics.retry()
    this.config.onEvent?.({ kind: 'retry', attempt, reason, waitMs, resource })
    await this.options.sleep(waitMs, signal)
  }
}

/** setTimeout's largest delay: a longer one fires at once, with a TimeoutOverflowWarning. */
const MAX_TIMER_MS = 2 ** 31 - 1

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError())
    const delay = Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_TIMER_MS) : 0
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, delay)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new CancelledError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
