import { errors, type ODataError } from '../http/errors'

export interface LimitSettings {
  /** Requests allowed per user in the sliding window (Dataverse: 6,000 per 300 s, §6.1). */
  requestsPerWindow: number
  windowSeconds: number
  /** Concurrent requests per user (Dataverse: 52). */
  maxConcurrent: number
  /** The degree of parallelism the server suggests in x-ms-dop-hint. */
  dopHint: number
}

export const defaultLimits = (): LimitSettings => ({
  requestsPerWindow: 6000,
  windowSeconds: 300,
  maxConcurrent: 52,
  dopHint: 4
})

/**
 * Service protection limits (reference §6): per user, a sliding window of request counts and a
 * cap on concurrent requests, answered with 429, Retry-After and the documented codes.
 */
export class ServiceProtection {
  private settings = defaultLimits()
  private readonly recent = new Map<string, number[]>()
  private readonly inFlight = new Map<string, number>()

  constructor(private readonly now: () => number = Date.now) {}

  configure(patch: Partial<LimitSettings>): LimitSettings {
    const next = { ...this.settings, ...patch }
    for (const [key, value] of Object.entries(next)) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${key} must be a positive integer`)
    }
    this.settings = next
    this.recent.clear()
    return { ...next }
  }

  current(): LimitSettings {
    return { ...this.settings }
  }

  /** Admits a request or returns the 429 to answer; `release` must follow an admission. */
  admit(user: string): ODataError | undefined {
    const running = this.inFlight.get(user) ?? 0
    if (running >= this.settings.maxConcurrent) {
      return errors.tooManyRequests(
        '0x80072326',
        `Number of concurrent requests exceeded the limit of ${this.settings.maxConcurrent}.`,
        1
      )
    }
    const now = this.now()
    const windowMs = this.settings.windowSeconds * 1000
    const times = (this.recent.get(user) ?? []).filter((t) => t > now - windowMs)
    if (times.length >= this.settings.requestsPerWindow) {
      this.recent.set(user, times)
      const retryAfter = Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000))
      return errors.tooManyRequests(
        '0x80072322',
        `Number of requests exceeded the limit of ${this.settings.requestsPerWindow} over time window of ${this.settings.windowSeconds} seconds.`,
        retryAfter
      )
    }
    times.push(now)
    this.recent.set(user, times)
    this.inFlight.set(user, running + 1)
    return undefined
  }

  release(user: string): void {
    this.inFlight.set(user, Math.max(0, (this.inFlight.get(user) ?? 1) - 1))
  }

  /** Debug headers Dataverse sends (reference §6.3); clients must not drive logic on them. */
  headers(user: string): Record<string, string> {
    const used = this.recent.get(user)?.length ?? 0
    return {
      'x-ms-dop-hint': String(this.settings.dopHint),
      'x-ms-ratelimit-burst-remaining-xrm-requests': String(
        Math.max(0, this.settings.requestsPerWindow - used)
      )
    }
  }
}
