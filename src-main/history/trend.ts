import type { RunKind, RunStatus } from '../../src-shared/model/run'
import type { Store } from '../store/open'
import { listRuns, type RunFilter } from './list'
import type { HistoryRun } from './run-summary'

/** One run as a point of a chart over time. */
export interface TrendPoint {
  runId: number
  kind: RunKind
  status: RunStatus
  startedAt: string
  /** Records the run changed or reported on (every count but unchanged). */
  records: number
  created: number
  updated: number
  deactivated: number
  deleted: number
  /** Records that failed (a plan: rows that can't be applied). */
  failed: number
  conflicts: number
  /** failed + conflicts. */
  problems: number
  durationMs: number | null
  requests: number
  retries: number
  throttleWaitMs: number
  /** Requests that failed for good (after retries). */
  requestFailures: number
}

export const toTrendPoint = (run: HistoryRun): TrendPoint => ({
  runId: run.id,
  kind: run.kind,
  status: run.status,
  startedAt: run.startedAt,
  records: run.records,
  created: run.counts.created,
  updated: run.counts.updated,
  deactivated: run.counts.deactivated,
  deleted: run.counts.deleted,
  failed: run.counts.failed,
  conflicts: run.counts.conflicts,
  problems: run.problems,
  durationMs: run.durationMs,
  requests: run.figures.requests,
  retries: run.figures.retries,
  throttleWaitMs: run.figures.throttleWaitMs,
  requestFailures: run.figures.failures
})

/**
 * Figures over time for charts (records per run, duration, failures): the latest `limit` runs
 * matching the filter (default 100), oldest first so they plot left to right. Narrow it to one
 * kind and table for a meaningful line: a pull's and a push's records are different things.
 */
export function figuresOverTime(store: Store, filter: RunFilter = {}): TrendPoint[] {
  return listRuns(store, { ...filter, limit: filter.limit ?? 100 })
    .reverse()
    .map(toTrendPoint)
}
