import type { RunKind, RunStatus } from '../../src-shared/model/run'
import type { Store } from '../store/open'
import { summariseRun, type HistoryRun } from './run-summary'

export const RUN_KINDS: readonly RunKind[] = ['pull', 'plan', 'apply', 'undo']
export const RUN_STATUSES: readonly RunStatus[] = [
  'running',
  'completed',
  'failed',
  'cancelled',
  'interrupted'
]

export interface RunFilter {
  kind?: RunKind | readonly RunKind[]
  environmentId?: number
  /** An environment by name (case-insensitive, as names are unique that way). */
  environment?: string
  table?: string
  profile?: string
  status?: RunStatus | readonly RunStatus[]
  /** Runs started at or after this time. */
  from?: string | Date
  /** Runs started before this time. */
  to?: string | Date
  /** Paging: only runs older than this run id (newest first). */
  beforeId?: number
  /** Default 50, at most 1,000. */
  limit?: number
}

export class HistoryError extends Error {
  override name = 'HistoryError'
}

export const MAX_LIST = 1000

/** An ISO time for comparing with started_at (stored as UTC ISO strings). */
export function isoTime(value: string | Date, what: string): string {
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime()))
    throw new HistoryError(`${what} '${String(value)}' is not a date (use e.g. 2025-01-31).`)
  return date.toISOString()
}

const list = <T>(value: T | readonly T[] | undefined): readonly T[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as readonly T[]) : [value as T]

/** The WHERE clause of a filter over `runs r`, parameterised. */
export function runWhere(filter: Omit<RunFilter, 'beforeId' | 'limit'>): {
  sql: string
  params: unknown[]
} {
  // A plan's, apply's or undo's own delta pull is shown with that run, not as a run of its own.
  const where: string[] = ['r.parent_run_id IS NULL']
  const params: unknown[] = []
  const kinds = list(filter.kind)
  for (const kind of kinds)
    if (!RUN_KINDS.includes(kind))
      throw new HistoryError(`Unknown run kind '${kind}' (use ${RUN_KINDS.join(', ')}).`)
  if (kinds.length) {
    where.push(`r.kind IN (${kinds.map(() => '?').join(', ')})`)
    params.push(...kinds)
  }
  const statuses = list(filter.status)
  for (const status of statuses)
    if (!RUN_STATUSES.includes(status))
      throw new HistoryError(`Unknown run status '${status}' (use ${RUN_STATUSES.join(', ')}).`)
  if (statuses.length) {
    where.push(`r.status IN (${statuses.map(() => '?').join(', ')})`)
    params.push(...statuses)
  }
  if (filter.environmentId !== undefined) {
    where.push('r.environment_id = ?')
    params.push(filter.environmentId)
  }
  if (filter.environment !== undefined) {
    where.push('r.environment_name = ? COLLATE NOCASE')
    params.push(filter.environment)
  }
  if (filter.table !== undefined) {
    where.push('r.table_name = ? COLLATE NOCASE')
    params.push(filter.table)
  }
  if (filter.profile !== undefined) {
    where.push('r.profile_name = ? COLLATE NOCASE')
    params.push(filter.profile)
  }
  if (filter.from !== undefined) {
    where.push('r.started_at >= ?')
    params.push(isoTime(filter.from, 'The start date'))
  }
  if (filter.to !== undefined) {
    where.push('r.started_at < ?')
    params.push(isoTime(filter.to, 'The end date'))
  }
  return { sql: `WHERE ${where.join(' AND ')}`, params }
}

/**
 * Runs, newest first, filtered by kind, environment, table, profile, status and start time —
 * what the Runs screen and `dvsync runs` list. A plain read: it never marks or changes a run.
 */
export function listRuns(store: Store, filter: RunFilter = {}): HistoryRun[] {
  const { sql, params } = runWhere(filter)
  const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 50)), MAX_LIST)
  const paging = filter.beforeId !== undefined ? 'AND r.id < ?' : ''
  const rows = store.db
    .prepare(
      // A plan run that failed before it finished has no planId in its details; its plan says.
      `SELECT r.id, (SELECT p.id FROM plans p WHERE p.run_id = r.id ORDER BY p.id LIMIT 1) AS plan_id
       FROM runs r ${sql} ${paging} ORDER BY r.id DESC LIMIT ?`
    )
    .all(...params, ...(filter.beforeId !== undefined ? [filter.beforeId] : []), limit) as {
    id: number
    plan_id: number | null
  }[]
  return rows.flatMap((row) => {
    const run = store.runs.get(row.id)
    return run ? [summariseRun(run, row.plan_id)] : []
  })
}

/** One run as history shows it, or undefined. */
export function getRun(store: Store, runId: number): HistoryRun | undefined {
  const run = store.runs.get(runId)
  if (!run) return undefined
  const plan = store.db
    .prepare('SELECT id FROM plans WHERE run_id = ? ORDER BY id LIMIT 1')
    .get(runId) as { id: number } | undefined
  return summariseRun(run, plan?.id ?? null)
}
