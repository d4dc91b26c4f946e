import type { RunItem, RunStatus } from '../../src-shared/model/run'
import { streamAtomically } from '../reports/atomic-file'
import type { Store } from '../store/open'
import { exportFormatOf, writeChanges, type ExportResult } from './export-changes'

/** An earlier pull whose changes this export also holds, because no complete export had them. */
export interface EarlierRun {
  runId: number
  status: RunStatus
  /** Its changes in this file. */
  records: number
}

export interface PendingExportResult extends ExportResult {
  /** Every pull run the file covers, oldest first (this one last). */
  runs: number[]
  /** The runs before this one it covers: interrupted, failed or cancelled pulls, or pulls
   *  made without an export since the last one. */
  earlier: EarlierRun[]
}

/**
 * The export of `dvsync pull --export`: every change since the last complete export of the
 * mirror, not only this pull's. A pull killed (or failed) after committing pages has put those
 * changes in the mirror, so the next pull finds them unchanged and reports nothing of them: they
 * would reach no file. The mirror's export cursor (store/repositories/export-cursors.ts) says
 * where the last complete export ended; this one covers the pulls after it up to `runId`, in
 * order, so a record changed twice appears with its latest values last. Without a cursor yet, it
 * starts after the last completed pull before this one (see runsToExport). The cursor moves only
 * once the file is completely written and renamed into place: a kill before that leaves it
 * where it was, and the next export covers these runs again.
 */
export async function exportPendingPullChanges(
  store: Store,
  runId: number,
  file: string
): Promise<PendingExportResult> {
  const run = store.runs.get(runId)
  if (!run || run.kind !== 'pull' || run.environmentId === null || !run.tableName)
    throw new Error(`Run ${runId} is not a pull; only a pull's changes can be exported this way.`)
  const format = exportFormatOf(file)
  const mirror = store.mirrors.find(run.environmentId, run.tableName)
  if (!mirror) throw new Error(`The mirror of ${run.tableName} is gone; nothing to export.`)
  const covered = store.exportCursors.runsToExport(mirror, runId)
  if (covered.at(-1)?.id !== runId) covered.push({ id: runId, status: run.status, mode: run.mode })
  const runs = covered.map((r) => store.runs.get(r.id)!)
  // Earlier runs may have mirrored other columns (the selection changed since): all of them,
  // this run's first and in its order.
  const columns = [
    ...new Set(runs.toReversed().flatMap((r) => (r.details['columns'] as string[]) ?? []))
  ]
  const perRun = new Map<number, number>()
  function* items(): Generator<RunItem> {
    for (const r of covered) {
      for (const item of store.runs.items(r.id)) {
        perRun.set(r.id, (perRun.get(r.id) ?? 0) + 1)
        yield item
      }
    }
  }
  let records = 0
  await streamAtomically(file, async (out) => {
    records = await writeChanges(out, format, columns, items())
  })
  // The file is complete and in place: only now may the next export start after this run.
  store.exportCursors.advance(mirror.id, runId, file)
  const earlier = covered
    .filter((r) => r.id !== runId)
    .map((r) => ({ runId: r.id, status: r.status, records: perRun.get(r.id) ?? 0 }))
  const result: PendingExportResult = {
    file,
    format,
    records,
    runs: covered.map((r) => r.id),
    earlier
  }
  store.runs.mergeDetails(runId, {
    export: { file, format, records, runs: result.runs, earlier }
  })
  return result
}

/** How a CLI line says which earlier runs an export covers, or '' when it covers only its own. */
export function earlierRunsNote(result: PendingExportResult, count: (n: number) => string): string {
  if (result.earlier.length === 0) return ''
  const shown = result.earlier.slice(0, 10)
  const more = result.earlier.length - shown.length
  const records = result.earlier.reduce((n, r) => n + r.records, 0)
  return ` It includes ${count(records)} from earlier pulls whose changes no complete export had yet: ${shown
    .map((r) => `run ${r.runId} (${r.status}, ${count(r.records)})`)
    .join(', ')}${more > 0 ? ` and ${more} more` : ''}.`
}
