import Database from 'better-sqlite3'
import type { Store } from '../store/open'
import { MirrorRepository } from '../store/repositories/mirrors'
import { SourceError } from './errors'
import { firstRows } from './rows'
import type { ReadOptions, RowSource, SourceRow } from './types'

/**
 * Another environment's mirror as a source (environment-to-environment sync): its rows are the
 * Web API JSON objects the pull stored, in id order.
 *
 * Rows are read through a second, read-only connection to the same database file. A
 * better-sqlite3 connection cannot write while one of its statements is being iterated, and the
 * planner reading this source writes plan items as it goes; WAL lets the two connections work side
 * by side, and the reading one sees the mirror as it was when the iteration began.
 */
export function mirrorSource(store: Store, environmentId: number, table: string): RowSource {
  const label = `mirror of ${table}`
  const find = () => {
    const mirror = store.mirrors.find(environmentId, table)
    if (mirror) return mirror
    const environment = store.environments.byId(environmentId)
    throw new SourceError(
      'missing-mirror',
      { source: label },
      environment
        ? `environment '${environment.name}' has no mirror of table '${table}': pull the table from it first (dvsync pull --env ${environment.name} --table ${table}).`
        : `there is no environment with id ${environmentId}: choose an environment that is set up.`
    )
  }

  async function* rows(read: ReadOptions = {}): AsyncGenerator<SourceRow> {
    const mirror = find()
    read.signal?.throwIfAborted()
    const db = new Database(store.file, { readonly: true, fileMustExist: true })
    const iterator = new MirrorRepository(db).rows(mirror).iterate()
    try {
      let row = 0
      for (const stored of iterator) {
        read.signal?.throwIfAborted()
        row += 1
        const values = JSON.parse(stored.data) as Record<string, unknown>
        yield { row, location: `record ${stored.id}`, values }
      }
    } finally {
      iterator.return?.()
      db.close()
    }
  }

  return {
    async describe() {
      const mirror = find()
      const columns = [...new Set([...mirror.columns, mirror.primaryId])]
      return { format: 'mirror', columns }
    },
    rows,
    preview: (count, read) => firstRows(rows(read), count)
  }
}
