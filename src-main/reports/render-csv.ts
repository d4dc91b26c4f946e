import type { Writable } from 'node:stream'
import { csvWriter } from './csv-stream'
import type { ColumnChange, RunReport } from './model'

const FIXED = [
  'seq',
  'row',
  'location',
  'key',
  'id',
  'action',
  'outcome',
  'error_code',
  'error_message',
  'changed_columns'
]

const text = (value: unknown): string =>
  value === null || value === undefined ? 'null' : JSON.stringify(value)

const describe = (changes: readonly ColumnChange[]): string =>
  changes
    .map(
      (c) =>
        `${c.column}: ${text(c.before)}${c.beforeLabel ? ` (${c.beforeLabel})` : ''} → ${text(c.after)}${c.afterLabel ? ` (${c.afterLabel})` : ''}`
    )
    .join('; ')

/**
 * One row per record: what happened to it, Dataverse's error, the columns it changed, and a
 * before and an after cell for each of the run's columns (changes to other columns, if any, in a
 * last cell). Every cell goes through safeCsvCell, so a value like "=HYPERLINK(…)" stays text in
 * a spreadsheet. UTF-8 with a BOM so Excel reads accents right. Returns the records written.
 */
export async function renderCsv(
  report: RunReport,
  out: Writable,
  onRecord?: (n: number) => void
): Promise<number> {
  const columns = report.header.columns
  const csv = csvWriter(out)
  const write = (cells: unknown[]): Promise<void> => csv.row(cells)
  await write([...FIXED, ...columns.flatMap((c) => [`${c} before`, `${c} after`]), 'other_changes'])
  const known = new Set(columns)
  let n = 0
  for (const record of report.records()) {
    const byColumn = new Map(record.changes.map((c) => [c.column, c]))
    await write([
      record.seq,
      record.row,
      record.location,
      record.key,
      record.id,
      record.action,
      record.outcome,
      record.errorCode,
      record.errorMessage,
      record.changes.map((c) => c.column).join(';'),
      ...columns.flatMap((c) => {
        const change = byColumn.get(c)
        return change ? [change.before, change.after] : [null, null]
      }),
      describe(record.changes.filter((c) => !known.has(c.column)))
    ])
    n += 1
    onRecord?.(n)
  }
  await csv.end()
  return n
}
