import type Database from 'better-sqlite3'
import type { MirrorRecord } from './mirrors'

export interface MirrorRow {
  id: string
  etag: string | null
  /** The row's values as the Web API sent them, JSON. */
  data: string
}

/**
 * The rows of one mirror: one SQL table named after the mirror's numeric id (never after user
 * text), rows as JSON, and a generated, indexed column per alternate-key column so a key lookup
 * during planning is an index seek. Text keys compare case-insensitively, as Dataverse does.
 */
export class MirrorRows {
  private readonly table: string
  private readonly statements = new Map<string, Database.Statement>()
  /** Planning looks a key up once per source row: one prepared statement per key. */
  private readonly keyLookups = new Map<string, Database.Statement>()

  constructor(
    private readonly db: Database.Database,
    private readonly mirror: MirrorRecord
  ) {
    this.table = `"mirror_${mirror.id}"`
  }

  ensureSchema(): void {
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${this.table} (id TEXT PRIMARY KEY, etag TEXT, data TEXT NOT NULL, seen_run INTEGER) STRICT`
    )
    const existing = new Set(
      (this.db.prepare(`PRAGMA table_xinfo(${this.table})`).all() as { name: string }[]).map(
        (c) => c.name
      )
    )
    for (const column of new Set(this.mirror.keys.flat())) {
      const name = `k_${column}`
      if (!existing.has(name)) {
        this.db.exec(
          `ALTER TABLE ${this.table} ADD COLUMN "${name}" ANY COLLATE NOCASE GENERATED ALWAYS AS (json_extract(data, '$."${column}"')) VIRTUAL`
        )
      }
    }
    // One index per key, named by its columns joined with ',' (a character column names can't
    // hold): joined with '_', the keys (name, vendorname) and (name_vendorname) shared a name and
    // the second was never built. Indexes of keys the table no longer has are dropped.
    const prefix = `mirror_${this.mirror.id}_key_`
    const wanted = new Set(this.mirror.keys.map((key) => `${prefix}${key.join(',')}`))
    const indexes = (
      this.db.prepare(`PRAGMA index_list(${this.table})`).all() as { name: string }[]
    ).map((i) => i.name)
    for (const index of indexes) {
      if (index.startsWith(prefix) && !wanted.has(index)) this.db.exec(`DROP INDEX "${index}"`)
    }
    for (const key of this.mirror.keys) {
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS "${prefix}${key.join(',')}" ON ${this.table} (${key.map((c) => `"k_${c}"`).join(', ')})`
      )
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  get(id: string): MirrorRow | undefined {
    return this.stmt(`SELECT id, etag, data FROM ${this.table} WHERE id = ?`).get(id) as
      MirrorRow | undefined
  }

  put(id: string, etag: string | null, data: string, seenRun: number | null = null): void {
    this.stmt(
      `INSERT INTO ${this.table} (id, etag, data, seen_run) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET etag = excluded.etag, data = excluded.data, seen_run = excluded.seen_run`
    ).run(id, etag, data, seenRun)
  }

  markSeen(id: string, runId: number): void {
    this.stmt(`UPDATE ${this.table} SET seen_run = ? WHERE id = ?`).run(runId, id)
  }

  delete(id: string): boolean {
    return this.stmt(`DELETE FROM ${this.table} WHERE id = ?`).run(id).changes > 0
  }

  count(): number {
    return (this.stmt(`SELECT count(*) AS n FROM ${this.table}`).get() as { n: number }).n
  }

  /** Rows a resync did not see: deleted in Dataverse while the token was unusable. */
  unseen(runId: number): MirrorRow[] {
    return this.stmt(`SELECT id, etag, data FROM ${this.table} WHERE seen_run IS NOT ?`).all(
      runId
    ) as MirrorRow[]
  }

  /**
   * Up to `limit` rows after `afterId` whose id is not in the temporary table of ids: mirror
   * records a source lacked. Paged, so the caller can write between pages.
   */
  notIn(seenTable: 'temp.plan_seen', afterId: string, limit: number): MirrorRow[] {
    return this.stmt(
      `SELECT id, etag, data FROM ${this.table} WHERE id > ? AND id NOT IN (SELECT id FROM ${seenTable}) ORDER BY id LIMIT ?`
    ).all(afterId, limit) as MirrorRow[]
  }

  /** Every row, in id order, streamed. */
  iterate(): IterableIterator<MirrorRow> {
    return this.stmt(
      `SELECT id, etag, data FROM ${this.table} ORDER BY id`
    ).iterate() as IterableIterator<MirrorRow>
  }

  /** The record whose key columns hold these values (an index seek on the generated columns). */
  findByKey(columns: readonly string[], values: readonly unknown[]): MirrorRow | undefined {
    const signature = columns.join(',')
    let statement = this.keyLookups.get(signature)
    if (!statement) {
      this.checkIndexed(columns)
      const where = columns.map((c) => `"k_${c}" = ?`).join(' AND ')
      statement = this.db.prepare(`SELECT id, etag, data FROM ${this.table} WHERE ${where} LIMIT 1`)
      this.keyLookups.set(signature, statement)
    }
    return statement.get(...values) as MirrorRow | undefined
  }

  /**
   * findByKey for many key tuples in one statement: index i of the answer is the record of
   * `tuples[i]`, absent when there is none. Same index seeks and case rules as findByKey, without
   * a round trip through the driver per row (a plan of 100,000 rows made 100,000 of them).
   */
  findManyByKey(
    columns: readonly string[],
    tuples: readonly (readonly unknown[])[]
  ): Map<number, MirrorRow> {
    const found = new Map<number, MirrorRow>()
    if (!tuples.length) return found
    const signature = `many:${columns.join(',')}`
    let statement = this.keyLookups.get(signature)
    if (!statement) {
      this.checkIndexed(columns)
      const on = columns
        .map((c, i) => `m."k_${c}" = json_extract(j.value, '$[${i}]')`)
        .join(' AND ')
      statement = this.db.prepare(
        `SELECT j.key AS i, m.id, m.etag, m.data FROM json_each(?) j JOIN ${this.table} m ON ${on}`
      )
      this.keyLookups.set(signature, statement)
    }
    for (const row of statement.all(JSON.stringify(tuples)) as (MirrorRow & { i: number })[]) {
      // Like findByKey's LIMIT 1: the first record of a key (a mirror holds one per key).
      if (!found.has(row.i)) found.set(row.i, { id: row.id, etag: row.etag, data: row.data })
    }
    return found
  }

  /**
   * Values of `columns` that more than one record holds — why a key's index failed — with how
   * many records hold each and a few of their ids, the most repeated first. Text compares
   * without regard to case, as the key would. Reads the JSON of every row (a key whose index
   * failed may have no generated column here), so it is for an admin's question, not planning.
   */
  duplicates(
    columns: readonly string[],
    limit: number
  ): { values: unknown[]; records: number; ids: string[] }[] {
    // Only numbered aliases are written into the SQL; the JSON paths go in as parameters.
    const picks = columns.map((_, i) => `json_extract(data, ?) AS c${i}`).join(', ')
    const aliases = columns.map((_, i) => `c${i}`)
    const present = aliases.map((a) => `${a} IS NOT NULL`).join(' AND ')
    const groups = aliases.map((a) => `${a} COLLATE NOCASE`).join(', ')
    const rows = this.db
      .prepare(
        `SELECT json_array(${aliases.join(', ')}) AS k, count(*) AS n, json_group_array(id) AS ids
         FROM (SELECT id, ${picks} FROM ${this.table}) WHERE ${present}
         GROUP BY ${groups} HAVING count(*) > 1 ORDER BY n DESC, k LIMIT ?`
      )
      .all(...columns.map((c) => `$."${c.replace(/"/g, '""')}"`), limit) as {
      k: string
      n: number
      ids: string
    }[]
    return rows.map((r) => ({
      values: JSON.parse(r.k) as unknown[],
      records: r.n,
      ids: (JSON.parse(r.ids) as string[]).slice(0, 5)
    }))
  }

  /** Key lookups only on columns with a generated, indexed column: never a table scan. */
  private checkIndexed(columns: readonly string[]): void {
    const known = new Set(this.mirror.keys.flat())
    const missing = columns.find((c) => !known.has(c))
    if (missing)
      throw new Error(
        `The mirror of ${this.mirror.tableName} has no index for key column '${missing}'.`
      )
  }

  drop(): void {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table}`)
  }

  /** Empties the rows (a full resync from scratch keeps history but not stale rows). */
  clear(): void {
    this.stmt(`DELETE FROM ${this.table}`).run()
  }
}
