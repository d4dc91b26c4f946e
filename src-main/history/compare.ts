import type { Store } from '../store/open'
import { getRun, HistoryError } from './list'
import {
  COUNT_NAMES,
  isPlanLike,
  FIGURE_NAMES,
  type CountName,
  type FigureName,
  type HistoryRun
} from './run-summary'

export interface SideBySide<N extends string> {
  name: N
  a: number | null
  b: number | null
  /** b − a, or null when either is unknown. */
  delta: number | null
}

/** What one run did to a record, as far as comparing goes. */
export interface RecordSide {
  seq: number
  action: string
  outcome: string | null
  error: string | null
  /** The values after the run (pull, apply) or the planned changes (plan). */
  values: Record<string, unknown> | null
}

export interface RecordDifference {
  /** The record's key when it has one, otherwise its id. */
  record: string
  key: string | null
  id: string | null
  difference: 'only-in-a' | 'only-in-b' | 'different'
  /** Columns whose values differ, when both runs have values for the record. */
  columns: string[]
  a: RecordSide | null
  b: RecordSide | null
}

export interface RunComparison {
  a: HistoryRun
  b: HistoryRun
  counts: SideBySide<CountName | 'records'>[]
  figures: SideBySide<FigureName | 'durationMs'>[]
  records: {
    onlyInA: number
    onlyInB: number
    different: number
    total: number
    /** The first `limit` differences, in record order of run a then run b. */
    items: RecordDifference[]
    truncated: boolean
  }
}

const side = <N extends string>(name: N, a: number | null, b: number | null): SideBySide<N> => ({
  name,
  a,
  b,
  delta: a === null || b === null ? null : b - a
})

/**
 * A run's records as `ident, seq, record_id, record_key, action, outcome, error, vals`: the
 * journal of a pull or apply, the items of a plan. One row per record (its last item), keyed by
 * the record's key where it has one — a created record has no id in a plan, but the same key.
 */
function recordsOf(run: HistoryRun): { sql: string; param: number } {
  if (isPlanLike(run.kind)) {
    if (run.planId === null)
      return {
        sql: `SELECT NULL AS ident, NULL AS seq, NULL AS record_id, NULL AS record_key,
                NULL AS action, NULL AS outcome, NULL AS error, NULL AS vals WHERE ? = 0 AND 0`,
        param: 0
      }
    return {
      sql: `SELECT coalesce(record_key, record_id, 'row ' || source_row, 'item ' || seq) AS ident,
              max(seq) AS seq, record_id, record_key, action,
              CASE WHEN excluded = 1 THEN 'excluded' ELSE NULL END AS outcome,
              error, changes AS vals
            FROM plan_items WHERE plan_id = ? GROUP BY ident`,
      param: run.planId
    }
  }
  return {
    sql: `SELECT coalesce(record_key, record_id, 'item ' || seq) AS ident, max(seq) AS seq,
            record_id, record_key, action, outcome,
            coalesce(error_code || ': ' || error_message, error_code, error_message) AS error,
            coalesce(after, before) AS vals
          FROM run_items WHERE run_id = ? GROUP BY ident`,
    param: run.id
  }
}

interface DiffRow {
  difference: RecordDifference['difference']
  ident: string
  a_seq: number | null
  a_id: string | null
  a_key: string | null
  a_action: string | null
  a_outcome: string | null
  a_error: string | null
  a_vals: string | null
  b_seq: number | null
  b_id: string | null
  b_key: string | null
  b_action: string | null
  b_outcome: string | null
  b_error: string | null
  b_vals: string | null
}

const cols = (t: string): string =>
  ['seq', 'record_id', 'record_key', 'action', 'outcome', 'error', 'vals']
    .map((c) => `${t}.${c} AS ${t}_${c.replace('record_', '')}`)
    .join(', ')

/**
 * Compares two runs of the same table (or the same profile): counts and figures side by side,
 * and the records that differ — in one run only, or with another action, outcome, error or
 * values. Paged in SQL (`limit`, default 200), so two runs of 100,000 records compare without
 * being held in memory.
 */
export function compareRuns(
  store: Store,
  aId: number,
  bId: number,
  options: { limit?: number; offset?: number } = {}
): RunComparison {
  const a = getRun(store, aId)
  const b = getRun(store, bId)
  if (!a || !b) throw new HistoryError(`There is no run ${!a ? aId : bId}; see dvsync runs.`)
  const sameTable = a.table !== null && a.table === b.table && a.environmentId === b.environmentId
  const sameProfile = a.profile !== null && a.profile.toLowerCase() === b.profile?.toLowerCase()
  if (!sameTable && !sameProfile)
    throw new HistoryError(
      `Runs ${a.id} (${a.table ?? 'no table'} in ${a.environmentName ?? '?'}) and ${b.id} (${b.table ?? 'no table'} in ${b.environmentName ?? '?'}) are of different tables and profiles; compare runs of the same table or profile.`
    )
  const ra = recordsOf(a)
  const rb = recordsOf(b)
  const differs = `a.action IS NOT b.action OR a.outcome IS NOT b.outcome OR a.error IS NOT b.error OR a.vals IS NOT b.vals`
  const diff = `
    WITH a AS (${ra.sql}), b AS (${rb.sql})
    SELECT CASE WHEN b.ident IS NULL THEN 'only-in-a' ELSE 'different' END AS difference,
           a.ident AS ident, ${cols('a')}, ${cols('b')}, 0 AS side, a.seq AS ord
      FROM a LEFT JOIN b ON b.ident = a.ident
     WHERE b.ident IS NULL OR ${differs}
    UNION ALL
    SELECT 'only-in-b', b.ident, ${cols('a')}, ${cols('b')}, 1, b.seq
      FROM b LEFT JOIN a ON a.ident = b.ident
     WHERE a.ident IS NULL`
  const params = [ra.param, rb.param]
  const totals = { 'only-in-a': 0, 'only-in-b': 0, different: 0 }
  for (const row of store.db
    .prepare(`SELECT difference, count(*) AS n FROM (${diff}) GROUP BY difference`)
    .all(...params) as { difference: keyof typeof totals; n: number }[])
    totals[row.difference] = row.n
  const limit = Math.min(Math.max(0, Math.floor(options.limit ?? 200)), 10_000)
  const offset = Math.max(0, Math.floor(options.offset ?? 0))
  const rows = store.db
    .prepare(`${diff} ORDER BY side, ord LIMIT ? OFFSET ?`)
    .all(...params, limit, offset) as DiffRow[]
  const total = totals['only-in-a'] + totals['only-in-b'] + totals.different
  return {
    a,
    b,
    counts: [
      ...COUNT_NAMES.map((n) => side(n, a.counts[n], b.counts[n])),
      side('records' as const, a.records, b.records)
    ],
    figures: [
      side('durationMs' as const, a.durationMs, b.durationMs),
      ...FIGURE_NAMES.map((n) => side(n, a.figures[n], b.figures[n]))
    ],
    records: {
      onlyInA: totals['only-in-a'],
      onlyInB: totals['only-in-b'],
      different: totals.different,
      total,
      items: rows.map(toDifference),
      truncated: offset + rows.length < total
    }
  }
}

const parse = (text: string | null): Record<string, unknown> | null => {
  if (text === null) return null
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function sideOf(row: DiffRow, t: 'a' | 'b'): RecordSide | null {
  const seq = row[`${t}_seq`]
  if (seq === null) return null
  return {
    seq,
    action: row[`${t}_action`] ?? '',
    outcome: row[`${t}_outcome`],
    error: row[`${t}_error`],
    values: parse(row[`${t}_vals`])
  }
}

function toDifference(row: DiffRow): RecordDifference {
  const a = sideOf(row, 'a')
  const b = sideOf(row, 'b')
  const columns: string[] = []
  if (a?.values && b?.values) {
    for (const c of new Set([...Object.keys(a.values), ...Object.keys(b.values)]))
      if (JSON.stringify(a.values[c] ?? null) !== JSON.stringify(b.values[c] ?? null))
        columns.push(c)
  }
  return {
    record: row.ident,
    key: row.a_key ?? row.b_key,
    id: row.a_id ?? row.b_id,
    difference: row.difference,
    columns,
    a,
    b
  }
}
