import type Database from 'better-sqlite3'
import { MirrorRows } from './mirror-rows'

export interface MirrorRecord {
  id: number
  environmentId: number
  tableName: string
  entitySet: string
  primaryId: string
  /** JSON property names mirrored (lookups as _x_value). */
  columns: string[]
  /** Alternate keys whose columns are indexed for matching, e.g. [['productnumber']]. */
  keys: string[][]
  /** The Active key whose values name a record in the journal; null when none was Active. */
  recordKey: string[] | null
  deltaLink: string | null
  deltaSavedAt: string | null
  lastPullAt: string | null
  rowCount: number
}

interface Row {
  id: number
  environment_id: number
  table_name: string
  entity_set: string
  primary_id: string
  columns: string
  key_columns: string
  record_key: string | null
  delta_link: string | null
  delta_saved_at: string | null
  last_pull_at: string | null
  row_count: number
}

const toRecord = (row: Row): MirrorRecord => ({
  id: row.id,
  environmentId: row.environment_id,
  tableName: row.table_name,
  entitySet: row.entity_set,
  primaryId: row.primary_id,
  columns: JSON.parse(row.columns) as string[],
  keys: JSON.parse(row.key_columns) as string[][],
  recordKey: row.record_key === null ? null : (JSON.parse(row.record_key) as string[]),
  deltaLink: row.delta_link,
  deltaSavedAt: row.delta_saved_at,
  lastPullAt: row.last_pull_at,
  rowCount: row.row_count
})

/** Column names become SQL identifiers of generated key columns: only metadata-shaped ones. */
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,127}$/

export interface MirrorSpec {
  environmentId: number
  tableName: string
  entitySet: string
  primaryId: string
  columns: string[]
  keys: string[][]
  /** Columns of the first Active key (one of `keys`); none when no key is Active. */
  recordKey?: string[] | null
}

/**
 * The local copies of Dataverse tables: one record per environment and table, with its delta
 * link, and one SQL table of rows per mirror (see MirrorRows).
 */
export class MirrorRepository {
  constructor(private readonly db: Database.Database) {}

  find(environmentId: number, tableName: string): MirrorRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM mirrors WHERE environment_id = ? AND table_name = ?')
      .get(environmentId, tableName) as Row | undefined
    return row && toRecord(row)
  }

  byId(id: number): MirrorRecord | undefined {
    const row = this.db.prepare('SELECT * FROM mirrors WHERE id = ?').get(id) as Row | undefined
    return row && toRecord(row)
  }

  list(environmentId?: number): MirrorRecord[] {
    const rows = (
      environmentId === undefined
        ? this.db.prepare('SELECT * FROM mirrors ORDER BY table_name').all()
        : this.db
            .prepare('SELECT * FROM mirrors WHERE environment_id = ? ORDER BY table_name')
            .all(environmentId)
    ) as Row[]
    return rows.map(toRecord)
  }

  /** Creates the mirror (and its rows table) or updates its columns and keys. */
  ensure(spec: MirrorSpec): MirrorRecord {
    for (const name of [...spec.columns, ...spec.keys.flat(), spec.primaryId]) {
      if (!COLUMN_NAME.test(name)) throw new Error(`'${name}' is not a Dataverse column name.`)
    }
    const recordKey = spec.recordKey?.length ? JSON.stringify(spec.recordKey) : null
    return this.db.transaction(() => {
      const existing = this.find(spec.environmentId, spec.tableName)
      if (existing) {
        this.db
          .prepare(
            'UPDATE mirrors SET entity_set = ?, primary_id = ?, columns = ?, key_columns = ?, record_key = ? WHERE id = ?'
          )
          .run(
            spec.entitySet,
            spec.primaryId,
            JSON.stringify(spec.columns),
            JSON.stringify(spec.keys),
            recordKey,
            existing.id
          )
      } else {
        this.db
          .prepare(
            'INSERT INTO mirrors (environment_id, table_name, entity_set, primary_id, columns, key_columns, record_key) VALUES (?, ?, ?, ?, ?, ?, ?)'
          )
          .run(
            spec.environmentId,
            spec.tableName,
            spec.entitySet,
            spec.primaryId,
            JSON.stringify(spec.columns),
            JSON.stringify(spec.keys),
            recordKey
          )
      }
      const mirror = this.find(spec.environmentId, spec.tableName)!
      this.rows(mirror).ensureSchema()
      return mirror
    })()
  }

  rows(mirror: MirrorRecord): MirrorRows {
    return new MirrorRows(this.db, mirror)
  }

  /**
   * Records a finished read: the delta link (null after a full compare of a table without
   * change tracking, which has none), when, and the row count. Called inside the transaction
   * that applies the last page.
   */
  saveDeltaLink(mirrorId: number, deltaLink: string | null, at: string): void {
    this.db
      .prepare(
        'UPDATE mirrors SET delta_link = ?, delta_saved_at = ?, last_pull_at = ?, row_count = ? WHERE id = ?'
      )
      .run(deltaLink, deltaLink === null ? null : at, at, this.rowsCount(mirrorId), mirrorId)
  }

  private rowsCount(mirrorId: number): number {
    return (
      this.db.prepare(`SELECT count(*) AS n FROM "mirror_${mirrorId}"`).get() as { n: number }
    ).n
  }

  /** Removes a mirror and its rows (the run history stays). */
  remove(mirror: MirrorRecord): void {
    this.db.transaction(() => {
      this.rows(mirror).drop()
      this.db.prepare('DELETE FROM mirrors WHERE id = ?').run(mirror.id)
    })()
  }
}
