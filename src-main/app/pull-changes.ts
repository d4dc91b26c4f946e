import type { ScalarValue } from '../../src-shared/schemas/common'
import type { ChangeItem, ChangesPage, PullAction } from '../../src-shared/schemas/pulls'
import type { RunItem } from '../../src-shared/model/run'
import type { Store } from '../store/open'
import { AppError } from './errors'

/**
 * The changes a pull recorded in the run journal, as the CLI's `dvsync changes` and the app's
 * Pulls screen show them: per record what changed, with before and after per column.
 */

/** Column-level differences of one journal item: created and deleted show every value. */
export function columnChanges(item: RunItem): Record<string, { from: unknown; to: unknown }> {
  const before = item.before ?? {}
  const after = item.after ?? {}
  const names = new Set([...Object.keys(before), ...Object.keys(after)])
  const out: Record<string, { from: unknown; to: unknown }> = {}
  for (const name of names) {
    const from = item.action === 'created' ? null : (before[name] ?? null)
    const to = item.action === 'deleted' ? null : (after[name] ?? null)
    if (item.action !== 'updated' || JSON.stringify(from) !== JSON.stringify(to))
      out[name] = { from, to }
  }
  return out
}

export interface ChangesQuery {
  runId: number
  actions?: readonly PullAction[] | undefined
  search?: string | undefined
  /** The table's primary name column, to label each record. */
  nameColumn?: string | undefined
  offset: number
  limit: number
}

interface ItemRow {
  seq: number
  record_id: string | null
  record_key: string | null
  action: string
  before: string | null
  after: string | null
}

const ACTIONS: readonly PullAction[] = ['created', 'updated', 'deleted']

/** LIKE pattern for a substring, with the wildcards of the text itself escaped. */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * One page of a pull's changes, filtered by kind and text. Paged in SQL over the journal's
 * (run_id, seq) index, so the 100th page of a million changes costs what the first does.
 *
 * It reads run_items directly, read-only: the run repository (src-main/store, another room)
 * streams a run's items but can't page or count them by kind yet; move this query there as
 * `RunRepository.itemsPage()` when it can.
 */
export function pullChangesPage(store: Store, query: ChangesQuery): ChangesPage {
  const run = store.runs.get(query.runId)
  if (!run || run.kind !== 'pull')
    throw new AppError('NOT_FOUND', `Run ${query.runId} is not a pull (or no longer exists).`)
  const actions = query.actions?.length ? [...new Set(query.actions)] : ACTIONS
  const where = [`run_id = ?`, `action IN (${actions.map(() => '?').join(', ')})`]
  const params: unknown[] = [run.id, ...actions]
  const search = query.search?.trim()
  if (search) {
    where.push(
      `(record_id LIKE ? ESCAPE '\\' OR record_key LIKE ? ESCAPE '\\' OR before LIKE ? ESCAPE '\\' OR after LIKE ? ESCAPE '\\')`
    )
    const pattern = containing(search)
    params.push(pattern, pattern, pattern, pattern)
  }
  const filter = where.join(' AND ')
  const counts = { created: 0, updated: 0, deleted: 0 }
  const byAction = store.db
    .prepare('SELECT action, count(*) AS n FROM run_items WHERE run_id = ? GROUP BY action')
    .all(run.id) as { action: string; n: number }[]
  for (const { action, n } of byAction) if (action in counts) counts[action as PullAction] = n
  const total = (
    store.db.prepare(`SELECT count(*) AS n FROM run_items WHERE ${filter}`).get(...params) as {
      n: number
    }
  ).n
  const rows = store.db
    .prepare(
      `SELECT seq, record_id, record_key, action, before, after FROM run_items WHERE ${filter} ORDER BY seq LIMIT ? OFFSET ?`
    )
    .all(...params, query.limit, query.offset) as ItemRow[]
  const mirrored = (run.details['columns'] as string[] | undefined) ?? []
  return {
    runId: run.id,
    table: run.tableName ?? '',
    mode: run.mode,
    counts,
    total,
    offset: query.offset,
    items: rows.map((row) => toChangeItem(row, mirrored, query.nameColumn))
  }
}

const parse = (text: string | null): Record<string, unknown> =>
  text === null ? {} : (JSON.parse(text) as Record<string, unknown>)

/** What crosses IPC is a scalar: anything else (never expected from a mirror) becomes JSON text. */
function scalar(value: unknown): ScalarValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value
  return JSON.stringify(value)
}

function toChangeItem(
  row: ItemRow,
  mirrored: readonly string[],
  nameColumn: string | undefined
): ChangeItem {
  const action = row.action as PullAction
  const before = action === 'created' ? {} : parse(row.before)
  const after = action === 'deleted' ? {} : parse(row.after)
  const names = [...new Set([...mirrored, ...Object.keys(before), ...Object.keys(after)])]
  const columns = names.map((column) => {
    const from = scalar(before[column])
    const to = scalar(after[column])
    return { column, before: from, after: to, changed: JSON.stringify(from) !== JSON.stringify(to) }
  })
  const label = nameColumn ? (action === 'deleted' ? before : after)[nameColumn] : undefined
  return {
    seq: row.seq,
    action,
    recordId: row.record_id,
    recordKey: row.record_key,
    name: label === undefined || label === null ? null : String(label),
    changedColumns: columns.filter((c) => c.changed).map((c) => c.column),
    columns
  }
}
