/**
 * Every request counted and timed, for a run's figures (requests, retries, throttling waits)
 * and for the reports. One instance per run; the transport adds to it.
 */
export interface RequestFigures {
  requests: number
  retries: number
  throttled: number
  throttleWaitMs: number
  failures: number
  totalRequestMs: number
  maxRequestMs: number
  bytesReceived: number
}

export class RequestMetrics {
  private figures: RequestFigures = emptyFigures()

  request(durationMs: number, bytes: number): void {
    this.figures.requests += 1
    this.figures.totalRequestMs += durationMs
    this.figures.maxRequestMs = Math.max(this.figures.maxRequestMs, durationMs)
    this.figures.bytesReceived += bytes
  }

  retry(): void {
    this.figures.retries += 1
  }

  throttle(waitMs: number): void {
    this.figures.throttled += 1
    this.figures.throttleWaitMs += waitMs
  }

  failure(): void {
    this.figures.failures += 1
  }

  snapshot(): RequestFigures {
    return { ...this.figures }
  }

  /** Figures since an earlier snapshot, for one step of a longer session. */
  since(earlier: RequestFigures): RequestFigures {
    const now = this.snapshot()
    return {
      requests: now.requests - earlier.requests,
      retries: now.retries - earlier.retries,
      throttled: now.throttled - earlier.throttled,
      throttleWaitMs: now.throttleWaitMs - earlier.throttleWaitMs,
      failures: now.failures - earlier.failures,
      totalRequestMs: now.totalRequestMs - earlier.totalRequestMs,
      maxRequestMs: now.maxRequestMs,
      bytesReceived: now.bytesReceived - earlier.bytesReceived
    }
  }
}

export function emptyFigures(): RequestFigures {
  return {
    requests: 0,
    retries: 0,
    throttled: 0,
    throttleWaitMs: 0,
    failures: 0,
    totalRequestMs: 0,
    maxRequestMs: 0,
    bytesReceived: 0
  }
}
