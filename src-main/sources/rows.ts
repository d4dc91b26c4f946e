import type { ReadOptions, SourceRow } from './types'

/** The first `count` rows of a stream; leaving the loop early closes the file behind it. */
export async function firstRows(
  rows: AsyncIterable<SourceRow>,
  count: number
): Promise<SourceRow[]> {
  const out: SourceRow[] = []
  if (count <= 0) return out
  for await (const row of rows) {
    out.push(row)
    if (out.length >= count) break
  }
  return out
}

/** Column names in order of first appearance over some rows (JSON and NDJSON have no header). */
export function columnsOf(rows: readonly SourceRow[]): string[] {
  const names = new Set<string>()
  for (const row of rows)
    if (!row.error) for (const name of Object.keys(row.values)) names.add(name)
  return [...names]
}

/** Rows read to name the columns of a file without a header. */
export const COLUMN_SAMPLE_ROWS = 1000

export type RowsFn = (options?: ReadOptions) => AsyncIterable<SourceRow>

/** Memoises an async step (sniffing a file) without memoising its failure forever. */
export function once<T>(step: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    pending ??= step().catch((err: unknown) => {
      pending = undefined
      throw err
    })
    return pending
  }
}
