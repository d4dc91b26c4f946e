import type Database from 'better-sqlite3'
import { isLookup, type ColumnModel, type KeyModel, type TableModel } from '../schema/model'

/** A stored record as SQLite returns it: column name → value, lookups with a `__table` companion. */
export type Row = Record<string, unknown> & { __version: number }

export interface SortTerm {
  column: string
  descending: boolean
}

const quote = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`
export const sqlTableName = (logicalName: string): string => quote(`e_${logicalName}`)
export const lookupTableColumn = (column: string): string => `${column}__table`

function sqlType(column: ColumnModel): string {
  switch (column.type) {
    case 'String':
    case 'Memo':
      // Dataverse compares text case-insensitively (its SQL collation is CI), keys included.
      return 'TEXT COLLATE NOCASE'
    case 'Uniqueidentifier':
    case 'DateTime':
    case 'Lookup':
    case 'Customer':
      return 'TEXT'
    case 'Decimal':
    case 'Money':
    case 'Double':
      return 'REAL'
    default:
      return 'INTEGER'
  }
}

/**
 * SQL access for one table. Every identifier comes from the validated schema model and every
 * value is a bound parameter, so request text never reaches SQL.
 */
export class TableStore {
  private readonly table: string
  private readonly statements = new Map<string, Database.Statement>()

  constructor(
    private readonly db: Database.Database,
    private model: TableModel
  ) {
    this.table = sqlTableName(model.logicalName)
  }

  /** Creates the table, adds columns that appeared in the schema since, and syncs key indexes. */
  ensure(model: TableModel = this.model): void {
    this.model = model
    this.statements.clear()
    const pk = model.primaryId
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${this.table} (${quote(pk)} TEXT PRIMARY KEY, "__version" INTEGER NOT NULL)`
    )
    this.db.exec(
      `CREATE INDEX IF NOT EXISTS ${quote(`v_${model.logicalName}`)} ON ${this.table} ("__version")`
    )
    const existing = new Set(
      (this.db.prepare(`PRAGMA table_info(${this.table})`).all() as { name: string }[]).map(
        (c) => c.name
      )
    )
    for (const column of model.columns) {
      if (!existing.has(column.name)) {
        this.db.exec(
          `ALTER TABLE ${this.table} ADD COLUMN ${quote(column.name)} ${sqlType(column)}`
        )
      }
      if (isLookup(column)) {
        if (!existing.has(lookupTableColumn(column.name))) {
          this.db.exec(
            `ALTER TABLE ${this.table} ADD COLUMN ${quote(lookupTableColumn(column.name))} TEXT`
          )
        }
        // Deleting a record clears the lookups pointing at it; without an index that is a scan.
        const index = quote(`l_${model.logicalName}_${column.name}`)
        this.db.exec(`CREATE INDEX IF NOT EXISTS ${index} ON ${this.table} (${quote(column.name)})`)
      }
    }
    for (const key of model.keys) this.syncKeyIndex(key)
  }

  /** Active keys are enforced by a unique index, as Dataverse does once the key's job has run. */
  syncKeyIndex(key: KeyModel): void {
    const name = quote(`k_${this.model.logicalName}_${key.logicalName}`)
    if (key.status === 'Active') {
      const cols = key.columns.map(quote).join(', ')
      this.db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${name} ON ${this.table} (${cols})`)
    } else {
      this.db.exec(`DROP INDEX IF EXISTS ${name}`)
    }
  }

  dropKeyIndex(key: KeyModel): void {
    this.db.exec(`DROP INDEX IF EXISTS ${quote(`k_${this.model.logicalName}_${key.logicalName}`)}`)
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      this.statements.set(sql, s)
    }
    return s
  }

  get(id: string): Row | undefined {
    return this.stmt(`SELECT * FROM ${this.table} WHERE ${quote(this.model.primaryId)} = ?`).get(
      id
    ) as Row | undefined
  }

  /** Finds the record whose key columns equal the values (NULL matches nothing, as in SQL). */
  findBy(columns: readonly string[], values: readonly unknown[]): Row | undefined {
    const where = columns.map((c) => `${quote(c)} = ?`).join(' AND ')
    return this.stmt(`SELECT * FROM ${this.table} WHERE ${where} LIMIT 1`).get(...values) as
      Row | undefined
  }

  /**
   * A prepared insert for a fixed list of columns, taking values in that order: the bulk path
   * (seeding a million rows), where building SQL or objects per row would cost more than SQLite.
   */
  inserter(columns: readonly string[]): (values: unknown[]) => void {
    const statement = this.db.prepare(
      `INSERT INTO ${this.table} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`
    )
    return (values) => void statement.run(values)
  }

  insert(row: Record<string, unknown>): void {
    const names = Object.keys(row)
    const sql = `INSERT INTO ${this.table} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`
    this.stmt(sql).run(...names.map((n) => row[n]))
  }

  update(id: string, changes: Record<string, unknown>): void {
    const names = Object.keys(changes)
    if (names.length === 0) return
    const sql = `UPDATE ${this.table} SET ${names.map((n) => `${quote(n)} = ?`).join(', ')} WHERE ${quote(this.model.primaryId)} = ?`
    this.stmt(sql).run(...names.map((n) => changes[n]), id)
  }

  delete(id: string): boolean {
    return (
      this.stmt(`DELETE FROM ${this.table} WHERE ${quote(this.model.primaryId)} = ?`).run(id)
        .changes > 0
    )
  }

  count(): number {
    return (this.stmt(`SELECT count(*) AS n FROM ${this.table}`).get() as { n: number }).n
  }

  maxVersion(): number {
    return (
      (this.stmt(`SELECT max("__version") AS v FROM ${this.table}`).get() as { v: number | null })
        .v ?? 0
    )
  }

  /** Rows that share values in the given columns — why a new key's index job fails (§2.4). */
  hasDuplicates(columns: readonly string[]): boolean {
    const cols = columns.map(quote).join(', ')
    const notNull = columns.map((c) => `${quote(c)} IS NOT NULL`).join(' AND ')
    const sql = `SELECT 1 FROM ${this.table} WHERE ${notNull} GROUP BY ${cols} HAVING count(*) > 1 LIMIT 1`
    return this.db.prepare(sql).get() !== undefined
  }

  /**
   * Rows in sort order, strictly after the cursor (the sort values of the last row served).
   * Keyset paging: page N costs the same as page 1, so a 1,000,000-row table pages in linear time.
   */
  scan(terms: readonly SortTerm[], after?: readonly unknown[]): IterableIterator<Row> {
    const order = terms.map((t) => `${quote(t.column)} ${t.descending ? 'DESC' : 'ASC'}`).join(', ')
    if (!after)
      return this.stmt(
        `SELECT * FROM ${this.table} ORDER BY ${order}`
      ).iterate() as IterableIterator<Row>
    const { sql, params } = keysetCondition(terms, after)
    return this.stmt(`SELECT * FROM ${this.table} WHERE ${sql} ORDER BY ${order}`).iterate(
      ...params
    ) as IterableIterator<Row>
  }

  /** Rows whose version lies in (after, upTo], oldest change first: the change-tracking order. */
  scanVersions(after: number, upTo: number): IterableIterator<Row> {
    return this.stmt(
      `SELECT * FROM ${this.table} WHERE "__version" > ? AND "__version" <= ? ORDER BY "__version"`
    ).iterate(after, upTo) as IterableIterator<Row>
  }

  /** Rows whose lookup column points at the given record (collection-valued navigation). */
  referencing(column: string, id: string): Row[] {
    return this.stmt(
      `SELECT * FROM ${this.table} WHERE ${quote(column)} = ? ORDER BY ${quote(this.model.primaryId)}`
    ).all(id) as Row[]
  }
}

/**
 * "Comes after the cursor" for a multi-column sort, where NULL sorts first ascending and last
 * descending (SQLite and SQL Server agree on that). Built as an OR-chain of
 * (c1 = v1 AND … AND ck after vk) terms.
 */
function keysetCondition(
  terms: readonly SortTerm[],
  after: readonly unknown[]
): { sql: string; params: unknown[] } {
  const ors: string[] = []
  const params: unknown[] = []
  terms.forEach((term, i) => {
    const parts: string[] = []
    const local: unknown[] = []
    for (let j = 0; j < i; j++) {
      parts.push(`${quote(terms[j]!.column)} IS ?`)
      local.push(after[j] ?? null)
    }
    const column = quote(term.column)
    const value = after[i] ?? null
    if (value === null) {
      if (term.descending) return // nothing sorts after NULL in a descending column
      parts.push(`${column} IS NOT NULL`)
    } else if (term.descending) {
      parts.push(`(${column} < ? OR ${column} IS NULL)`)
      local.push(value)
    } else {
      parts.push(`${column} > ?`)
      local.push(value)
    }
    ors.push(`(${parts.join(' AND ')})`)
    params.push(...local)
  })
  return { sql: ors.length ? ors.join(' OR ') : '0', params }
}
