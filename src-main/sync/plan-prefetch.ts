import { jsonPropertyOf } from '../../src-shared/model/metadata'
import type { SourceRow } from '../sources/types'
import type { MirrorRow, MirrorRows } from '../store/repositories/mirror-rows'
import { convertValue, type ConvertOptions } from './convert'
import type { ResolvedMapping } from './mapping'

/** What planning reads from a mirror, one record at a time. */
export type RecordLookup = Pick<MirrorRows, 'get' | 'findByKey'>

/** A chunk's records looked up ahead, and which were found (their current values). */
export type PrefetchedLookup = RecordLookup & { readonly found: readonly MirrorRow[] }

/**
 * The target mirror's records of a chunk of source rows, looked up by alternate key in one
 * statement before the rows are planned one by one. Answers findByKey from what it fetched and
 * asks the mirror for anything else (a key it could not work out ahead: a bad value, a lookup
 * column in the key), so planning gives exactly the answers the mirror would.
 */
export function prefetchByKey(
  target: MirrorRows,
  rows: readonly SourceRow[],
  mapping: ResolvedMapping,
  options: ConvertOptions
): PrefetchedLookup {
  if (mapping.key.kind !== 'alternate' || mapping.key.columns.some((c) => c.lookup))
    return { get: (id) => target.get(id), findByKey: (c, v) => target.findByKey(c, v), found: [] }
  const keyColumns = mapping.key.columns
  const tuples: unknown[][] = []
  for (const row of rows) {
    if (row.error) continue
    try {
      const tuple = keyColumns.map((c) => convertValue(c.column, row.values[c.source], options))
      // Only values SQLite compares as findByKey binds them: text and numbers.
      if (tuple.every((v) => typeof v === 'string' || typeof v === 'number')) tuples.push(tuple)
    } catch {
      // planRow converts the row again and reports the value that can't be converted.
    }
  }
  const columns = keyColumns.map((c) => jsonPropertyOf(c.column))
  const found = target.findManyByKey(columns, tuples)
  const signature = columns.join()
  const answers = new Map<string, MirrorRow | undefined>()
  tuples.forEach((tuple, i) => answers.set(JSON.stringify(tuple), found.get(i)))
  return {
    found: [...found.values()],
    get: (id) => target.get(id),
    findByKey: (cols, values) => {
      const key = JSON.stringify(values)
      return cols.join() === signature && answers.has(key)
        ? answers.get(key)
        : target.findByKey(cols, values)
    }
  }
}
