import { once } from 'node:events'
import type { WriteStream } from 'node:fs'
import { extname } from 'node:path'
import type { RunItem } from '../../src-shared/model/run'
import { streamAtomically } from '../reports/atomic-file'
import { csvWriter } from '../reports/csv-stream'
import type { Store } from '../store/open'

export type ExportFormat = 'csv' | 'ndjson'

export interface ExportResult {
  file: string
  format: ExportFormat
  records: number
}

/** The export format a file name says (.csv, .ndjson, .jsonl), if it says one. */
export function exportFormatOfName(file: string): ExportFormat | undefined {
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  return undefined
}

export function exportFormatOf(file: string): ExportFormat {
  const format = exportFormatOfName(file)
  if (!format)
    throw new Error(`Can't tell the export format from '${file}': use a .csv or .ndjson file name.`)
  return format
}

/** Which columns an update changed, for the consumer that only wants to touch those. */
function changedColumns(item: RunItem): string[] {
  if (item.action !== 'updated' || !item.before || !item.after) return []
  return Object.keys(item.after).filter(
    (c) => JSON.stringify(item.before![c] ?? null) !== JSON.stringify(item.after![c] ?? null)
  )
}

/**
 * Writes the changes a pull recorded — created, updated and deleted records with their values
 * (the last known values for deletes) — for the external system on the other side. Streamed
 * item by item, written to a temporary file and renamed, so a reader never sees half a file.
 */
export async function exportPullChanges(
  store: Store,
  runId: number,
  file: string
): Promise<ExportResult> {
  const run = store.runs.get(runId)
  if (!run || run.kind !== 'pull')
    throw new Error(`Run ${runId} is not a pull; only a pull's changes can be exported this way.`)
  const format = exportFormatOf(file)
  const columns = (run.details['columns'] as string[] | undefined) ?? []
  let records = 0
  await streamAtomically(file, async (out) => {
    records = await writeChanges(out, format, columns, store.runs.items(runId))
  })
  return { file, format, records }
}

/**
 * Writes run items as the export's rows — CSV under a header of `columns`, or one NDJSON line
 * each — into `out`, and says how many. The pull's export and the export of every change since
 * the last one (export-pending.ts) write the same rows.
 */
export async function writeChanges(
  out: WriteStream,
  format: ExportFormat,
  columns: readonly string[],
  items: Iterable<RunItem>
): Promise<number> {
  let records = 0
  if (format === 'csv') {
    const csv = csvWriter(out, { header: ['change', 'id', 'key', 'changed_columns', ...columns] })
    for (const item of items) {
      const values = (item.action === 'deleted' ? item.before : item.after) ?? {}
      const row = [
        item.action,
        item.recordId,
        item.recordKey,
        changedColumns(item).join(';'),
        ...columns.map((c) => values[c])
      ]
      await csv.row(row)
      records += 1
    }
    await csv.end()
    return records
  }
  for (const item of items) {
    const line = JSON.stringify({
      change: item.action,
      id: item.recordId,
      key: item.recordKey,
      values: item.action === 'deleted' ? item.before : item.after,
      ...(item.action === 'updated'
        ? { before: item.before, changedColumns: changedColumns(item) }
        : {})
    })
    if (!out.write(`${line}\n`)) await once(out, 'drain')
    records += 1
  }
  return records
}
