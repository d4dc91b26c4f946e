import type { PullMode } from '../../src-shared/model/run'
import type { Change } from '../dataverse/change-tracking'
import type { MirrorRows } from '../store/repositories/mirror-rows'
import type { RunRepository } from '../store/repositories/runs'

export interface PullCounts {
  created: number
  updated: number
  deleted: number
  unchanged: number
  [other: string]: number
}

export interface PageContext {
  runId: number
  mode: PullMode
  rows: MirrorRows
  runs: RunRepository
  counts: PullCounts
  /** Next item sequence number of the run. */
  seq: { next: number }
  /** Readable key of a record for the journal, e.g. "PRD-0000042". */
  keyOf: (values: Record<string, unknown>) => string | null
  /** The properties a mirrored row keeps (the selected columns and the primary id). */
  dataKeys: string[]
  /**
   * Columns this pull mirrors for the first time. A record whose ETag is unchanged still gets a
   * value in them: it is journaled as updated, so the export hands the new column to the
   * external system instead of filling it in silently.
   */
  addedColumns: readonly string[]
}

/**
 * Applies one page of changes to the mirror and journals what it did. Created and updated are
 * told apart by the mirror (the Web API can't, reference §1.3); an unchanged ETag means the record
 * did not change in Dataverse. Runs inside the caller's transaction.
 */
export function applyChanges(ctx: PageContext, changes: readonly Change[]): void {
  const { rows, runs, runId, counts } = ctx
  const initial = ctx.mode === 'initial'
  // A read of every row marks what it saw, so rows it did not see are found deleted at the end.
  const seenRun = readsEverything(ctx.mode) ? runId : null
  for (const change of changes) {
    if (change.kind === 'deleted') {
      const before = rows.get(change.id)
      // A record created and deleted between two pulls was never mirrored: nothing to report.
      if (!before) continue
      rows.delete(change.id)
      counts.deleted += 1
      runs.addItem(runId, {
        seq: ctx.seq.next++,
        recordId: change.id,
        recordKey: ctx.keyOf(JSON.parse(before.data) as Record<string, unknown>),
        action: 'deleted',
        before: before.data
      })
      continue
    }
    const data = mirroredJson(change.values, ctx.dataKeys)
    const etag = change.etag ?? null
    // On an initial pull the mirror starts empty: no need to look for a before-image.
    const before = initial ? undefined : rows.get(change.id)
    const filledNewColumns =
      before !== undefined &&
      ctx.addedColumns.some((c) => change.values[c] !== null && change.values[c] !== undefined)
    if (before && etag !== null && before.etag === etag && !filledNewColumns) {
      counts.unchanged += 1
      if (before.data !== data || seenRun !== null) rows.put(change.id, etag, data, seenRun)
      continue
    }
    if (before && before.data === data) {
      counts.unchanged += 1
      rows.put(change.id, etag, data, seenRun)
      continue
    }
    rows.put(change.id, etag, data, seenRun)
    const action = before ? 'updated' : 'created'
    counts[action] += 1
    runs.addItem(runId, {
      seq: ctx.seq.next++,
      recordId: change.id,
      recordKey: ctx.keyOf(change.values),
      action,
      before: before?.data ?? null,
      after: data
    })
  }
}

/**
 * A resync (the delta token is gone) and a full compare (no change tracking) read every row and
 * compare it with the mirror; deletes show only as rows the read did not return.
 */
export function readsEverything(mode: PullMode): boolean {
  return mode === 'resync' || mode === 'compare'
}

/**
 * After a read of every row (resync or full compare): rows Dataverse no longer has are deleted
 * from the mirror, and journaled.
 */
export function reconcileDeletes(ctx: PageContext): void {
  for (const row of ctx.rows.unseen(ctx.runId)) {
    ctx.rows.delete(row.id)
    ctx.counts.deleted += 1
    ctx.runs.addItem(ctx.runId, {
      seq: ctx.seq.next++,
      recordId: row.id,
      recordKey: ctx.keyOf(JSON.parse(row.data) as Record<string, unknown>),
      action: 'deleted',
      before: row.data
    })
  }
}

/**
 * The row's kept properties as JSON, annotations dropped. A small copy serialised plainly is
 * about twice as fast as JSON.stringify with a key list, which leaves V8's fast path.
 */
function mirroredJson(values: Record<string, unknown>, keys: readonly string[]): string {
  const kept: Record<string, unknown> = {}
  for (const key of keys) if (Object.hasOwn(values, key)) kept[key] = values[key]
  return JSON.stringify(kept)
}

/**
 * What the run says when rows came without columns the pull selected (ChangePage.missingColumns):
 * they were mirrored without them, which reads as empty — said, never silent.
 */
export function missingColumnsNote(missing: Readonly<Record<string, number>>): string | undefined {
  const entries = Object.entries(missing)
  if (entries.length === 0) return undefined
  const list = entries.map(([column, rows]) => `${column} (${rows} ${rows === 1 ? 'row' : 'rows'})`)
  return `Warning: Dataverse left out columns the pull asked for: ${list.join(', ')}; those rows are mirrored without them, so they read as empty. Check the account's access to these columns (field security), then run dvsync pull --full to read them again.`
}
