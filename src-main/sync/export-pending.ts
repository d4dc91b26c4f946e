import { readdir, rm } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import type { RunItem, RunStatus } from '../../src-shared/model/run'
import { streamAtomically } from '../reports/atomic-file'
import type { Store } from '../store/open'
import { exportFormatOf, writeChanges, type ExportResult } from './export-changes'
import { isProcessAlive } from './process-alive'

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
 * Called before a pull whose changes will be exported: a table without an export cursor gets
 * one after its last completed pull (ExportCursorRepository.begin), so the first export covers
 * the runs interrupted just before it, and a pull that completes but is killed while its file is
 * written is still covered by the next one.
 */
export function beginPendingExport(store: Store, environmentId: number, tableName: string): void {
  store.exportCursors.begin(environmentId, tableName.toLowerCase())
}

/**
 * The export of `dvsync pull --export`: every change since the last complete export of the
 * mirror, not only this pull's. A pull killed (or failed) after committing pages has put those
 * changes in the mirror, so the next pull finds them unchanged and reports nothing of them: they
 * would reach no file. The mirror's export cursor (store/repositories/export-cursors.ts) says
 * where the last complete export ended; this one covers the pulls after it up to `runId`, in
 * order, so a record changed twice appears with its latest values last. Without a cursor yet
 * (see beginPendingExport), it starts after the last completed pull before. The cursor moves only
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
  const { environmentId, tableName } = run
  const covered = store.exportCursors.runsToExport(environmentId, tableName, runId)
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
  await removeKilledPartials(file)
  let records = 0
  await streamAtomically(file, async (out) => {
    records = await writeChanges(out, format, columns, items())
  })
  // The file is complete and in place: only now may the next export start after this run.
  store.exportCursors.advance(environmentId, tableName, runId, file)
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

/** An export being written: `<name>.csv.partial-<pid>` (reports/atomic-file.ts). */
const PARTIAL = /\.(csv|ndjson|jsonl)\.partial-(\d+)$/i

/**
 * Removes the half-written exports that killed dvsync processes left in the export folder
 * (SIGKILL runs no cleanup), so a folder a scheduler exports to every night doesn't fill with
 * them. Only ours, and only those whose process is gone: a live one is still writing.
 */
async function removeKilledPartials(file: string): Promise<void> {
  const folder = dirname(resolve(file))
  const names = await readdir(folder).catch(() => [] as string[])
  for (const name of names) {
    const pid = PARTIAL.exec(name)?.[2]
    if (pid !== undefined && !isProcessAlive(Number(pid)))
      await rm(join(folder, name), { force: true }).catch(() => undefined)
  }
}
