import { isPlanLike, type HistoryRun } from '../history/run-summary'
import type { Store } from '../store/open'
import type { ItemRow } from '../store/repositories/runs'
import type { ColumnChange, RecordQuery, ReportRecord } from './model'

/**
 * A run's records for its report, read straight from the journal tables a page at a time. Each
 * page is read with `.all()`, so no statement stays open while a renderer waits for its stream:
 * better-sqlite3 refuses every write on a connection with an open iterator, and the app shares
 * one connection between reports and running pulls. (The run repository streams items with an
 * open iterator and can't page them; this can move there as a paged `items()` when it can.)
 */

const PAGE = 500

/** A journal row, with the plan item's columns for plan and undo runs. */
interface Row extends ItemRow {
  source_row: number | null
  location: string | null
  changes: string | null
}

const parse = (text: string | null): Record<string, unknown> | null => {
  if (text === null) return null
  const value = JSON.parse(text) as unknown
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : null
}

const same = (a: unknown, b: unknown): boolean =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null)

/** A column's value in a mirror row: lookups are kept as `_name_value`. */
const valueIn = (row: Record<string, unknown>, column: string): unknown =>
  column in row ? row[column] : row[`_${column}_value`]

/** Column changes from before and after images: created/deleted show every value. */
function diffChanges(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  only: readonly string[]
): ColumnChange[] {
  const names = only.length
    ? only
    : [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])]
  const out: ColumnChange[] = []
  for (const column of names) {
    const from = before ? (before[column] ?? null) : null
    const to = after ? (after[column] ?? null) : null
    if (before && after ? !same(from, to) : from !== null || to !== null)
      out.push({ column, before: from, after: to })
  }
  return out
}

/** A plan item's changes ({col: {from, to}}), with the before image the apply saw where it has one. */
function planChanges(text: string | null, before: Record<string, unknown> | null): ColumnChange[] {
  const planned = parse(text) as Record<
    string,
    { from?: unknown; to?: unknown; fromLabel?: unknown; toLabel?: unknown }
  > | null
  if (!planned) return []
  return Object.entries(planned).map(([column, c]) => {
    const seen = before && valueIn(before, column) !== undefined
    // The plan's label of the before value holds only while the value is the planned one.
    const beforeLabel =
      typeof c.fromLabel === 'string' && (!seen || same(valueIn(before!, column), c.from))
        ? c.fromLabel
        : undefined
    return {
      column,
      before: seen ? valueIn(before!, column) : (c.from ?? null),
      after: c.to ?? null,
      ...(beforeLabel !== undefined ? { beforeLabel } : {}),
      ...(typeof c.toLabel === 'string' ? { afterLabel: c.toLabel } : {})
    }
  })
}

export interface RecordReaderOptions {
  run: HistoryRun
  /** A pull's mirrored columns: its changes are reported by these only (the id has its own cell). */
  columns: readonly string[]
}

export function readRecords(
  store: Store,
  { run, columns }: RecordReaderOptions,
  query: RecordQuery = {}
): Generator<ReportRecord> {
  const statement = isPlanLike(run.kind)
    ? store.db.prepare(
        `SELECT seq, record_id, record_key, action,
                  CASE WHEN excluded = 1 THEN 'excluded' ELSE outcome END AS outcome,
                  NULL AS before, NULL AS after, outcome_code AS error_code,
                  coalesce(error, outcome_message) AS error_message,
                  source_row, location, changes
             FROM plan_items
            WHERE plan_id = ? AND seq > ? ${query.problemsOnly ? `AND (action = 'error' OR outcome IN ('failed', 'conflict'))` : ''}
            ORDER BY seq LIMIT ?`
      )
    : store.db.prepare(
        `SELECT r.seq, r.record_id, r.record_key, r.action, r.outcome, r.before, r.after,
                  r.error_code, r.error_message, p.source_row, p.location, p.changes
             FROM run_items r LEFT JOIN plan_items p ON p.plan_id = ? AND p.seq = r.seq
            WHERE r.run_id = ? AND r.seq > ? ${query.problemsOnly ? `AND r.outcome IN ('failed', 'conflict')` : ''}
            ORDER BY r.seq LIMIT ?`
      )
  const params = isPlanLike(run.kind) ? [run.planId ?? -1] : [run.planId ?? -1, run.id]
  const toRecord = recordOf(run, columns)
  return (function* () {
    let after = query.afterSeq ?? 0
    let left = query.limit ?? Number.POSITIVE_INFINITY
    while (left > 0) {
      const rows = statement.all(...params, after, Math.min(PAGE, left)) as Row[]
      for (const row of rows) yield toRecord(row)
      if (rows.length < Math.min(PAGE, left)) return
      after = rows.at(-1)!.seq
      left -= rows.length
    }
  })()
}

function recordOf(run: HistoryRun, columns: readonly string[]): (row: Row) => ReportRecord {
  return (row) => {
    const before = parse(row.before)
    const after = parse(row.after)
    let changes: ColumnChange[]
    if (isPlanLike(run.kind)) changes = planChanges(row.changes, null)
    else if (run.kind === 'pull') changes = diffChanges(before, after, columns)
    else {
      // apply/undo: what the plan set out to change; a delete changes the whole record.
      const planned = planChanges(row.changes, before)
      changes = planned.length ? planned : diffChanges(before, after, [])
    }
    return {
      seq: row.seq,
      row: row.source_row,
      location: row.location,
      key: row.record_key,
      id: row.record_id,
      action: row.action,
      outcome: row.outcome,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      changes,
      before,
      after
    }
  }
}

/** How many records a report has, by action and by outcome. */
export function recordTotals(
  store: Store,
  run: HistoryRun
): { total: number; byAction: Record<string, number>; byOutcome: Record<string, number> } {
  const rows = (
    isPlanLike(run.kind)
      ? store.db
          .prepare(
            `SELECT action, CASE WHEN excluded = 1 THEN 'excluded' ELSE outcome END AS outcome, count(*) AS n
               FROM plan_items WHERE plan_id = ? GROUP BY 1, 2`
          )
          .all(run.planId ?? -1)
      : store.db
          .prepare(
            'SELECT action, outcome, count(*) AS n FROM run_items WHERE run_id = ? GROUP BY 1, 2'
          )
          .all(run.id)
  ) as { action: string; outcome: string | null; n: number }[]
  const byAction: Record<string, number> = {}
  const byOutcome: Record<string, number> = {}
  let total = 0
  for (const r of rows) {
    byAction[r.action] = (byAction[r.action] ?? 0) + r.n
    const outcome = r.outcome ?? 'none'
    byOutcome[outcome] = (byOutcome[outcome] ?? 0) + r.n
    total += r.n
  }
  return { total, byAction, byOutcome }
}
