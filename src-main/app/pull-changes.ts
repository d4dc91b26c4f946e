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

const ACTIONS: readonly PullAction[] = ['created', 'updated', 'deleted']

/**
 * One page of a pull's changes, filtered by kind and text, read through the run repository's
 * paged reader (in SQL over the journal's (run_id, seq) index, so the 100th page of a million
 * changes costs what the first does).
 */
export function pullChangesPage(store: Store, query: ChangesQuery): ChangesPage {
  const run = store.runs.get(query.runId)
  if (!run || run.kind !== 'pull')
    throw new AppError('NOT_FOUND', `Run ${query.runId} is not a pull (or no longer exists).`)
  const filter = {
    actions: query.actions?.length ? [...new Set(query.actions)] : ACTIONS,
    search: query.search
  }
  const counts = { created: 0, updated: 0, deleted: 0 }
  for (const [action, n] of Object.entries(store.runs.countsByAction(run.id)))
    if (action in counts) counts[action as PullAction] = n
  const mirrored = (run.details['columns'] as string[] | undefined) ?? []
  return {
    runId: run.id,
    table: run.tableName ?? '',
    mode: run.mode,
    counts,
    total: store.runs.countItems(run.id, filter),
    offset: query.offset,
    items: store.runs
      .itemsPage(run.id, filter, query.offset, query.limit)
      .map((item) => toChangeItem(item, mirrored, query.nameColumn))
  }
}

/** What crosses IPC is a scalar: anything else (never expected from a mirror) becomes JSON text. */
export function scalar(value: unknown): ScalarValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return value
  return JSON.stringify(value)
}

function toChangeItem(
  item: RunItem,
  mirrored: readonly string[],
  nameColumn: string | undefined
): ChangeItem {
  const action = item.action as PullAction
  const before = action === 'created' ? {} : (item.before ?? {})
  const after = action === 'deleted' ? {} : (item.after ?? {})
  const names = [...new Set([...mirrored, ...Object.keys(before), ...Object.keys(after)])]
  const columns = names.map((column) => {
    const from = scalar(before[column])
    const to = scalar(after[column])
    return { column, before: from, after: to, changed: JSON.stringify(from) !== JSON.stringify(to) }
  })
  const label = nameColumn ? (action === 'deleted' ? before : after)[nameColumn] : undefined
  return {
    seq: item.seq,
    action,
    recordId: item.recordId,
    recordKey: item.recordKey,
    name: label === undefined || label === null ? null : String(label),
    changedColumns: columns.filter((c) => c.changed).map((c) => c.column),
    columns
  }
}
