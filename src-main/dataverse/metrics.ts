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

/** Which snapshot a figures object is: `since` finds the longest request after it by this. */
const WINDOW = Symbol('metrics window')
type Snapshot = RequestFigures & { [WINDOW]?: number }

/**
 * Snapshots whose longest request is followed. One client serves a whole app session, so there
 * may be many; past this many the oldest falls back to the session's longest request.
 */
const WINDOWS_FOLLOWED = 64

export class RequestMetrics {
  private figures: RequestFigures = emptyFigures()
  private nextWindow = 1
  /** The longest request since each followed snapshot (a maximum can't be subtracted). */
  private readonly windowMax = new Map<number, number>()

  request(durationMs: number, bytes: number): void {
    this.figures.requests += 1
    this.figures.totalRequestMs += durationMs
    this.figures.maxRequestMs = Math.max(this.figures.maxRequestMs, durationMs)
    this.figures.bytesReceived += bytes
    for (const [window, max] of this.windowMax)
      if (durationMs > max) this.windowMax.set(window, durationMs)
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

  /** The figures so far; `since(snapshot)` then gives a run's own, its longest request included. */
  snapshot(): RequestFigures {
    const window = this.nextWindow++
    this.windowMax.set(window, 0)
    if (this.windowMax.size > WINDOWS_FOLLOWED)
      this.windowMax.delete(this.windowMax.keys().next().value!)
    const snapshot: Snapshot = { ...this.figures, [WINDOW]: window }
    return snapshot
  }

  /** Figures since an earlier snapshot, for one step of a longer session. */
  since(earlier: RequestFigures): RequestFigures {
    const now = this.figures
    const window = (earlier as Snapshot)[WINDOW]
    return {
      requests: now.requests - earlier.requests,
      retries: now.retries - earlier.retries,
      throttled: now.throttled - earlier.throttled,
      throttleWaitMs: now.throttleWaitMs - earlier.throttleWaitMs,
      failures: now.failures - earlier.failures,
      totalRequestMs: now.totalRequestMs - earlier.totalRequestMs,
      maxRequestMs:
        (window !== undefined ? this.windowMax.get(window) : undefined) ?? now.maxRequestMs,
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
