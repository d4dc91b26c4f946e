import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { MetaStore } from './database'

/**
 * Row versions and deletions: what change tracking is made of. Every write takes the next
 * version from one counter for the whole organisation (like SQL Server's rowversion, which is
 * what Dataverse's ETags and delta tokens carry, reference §1.2, §3.3).
 */
export class ChangeLog {
  private version: number
  private readonly idTail: string
  private dirty = false
  private readonly insertTombstone: Database.Statement
  private readonly selectTombstones: Database.Statement
  private readonly countTombstones: Database.Statement

  constructor(
    db: Database.Database,
    private readonly meta: MetaStore
  ) {
    this.version = meta.get<number>('version') ?? 1000
    const tail = meta.get<string>('idTail') ?? randomTail()
    meta.set('idTail', tail)
    this.idTail = tail
    this.insertTombstone = db.prepare(
      'INSERT OR REPLACE INTO sandbox_tombstones (tbl, id, version, deleted_at) VALUES (?, ?, ?, ?)'
    )
    this.selectTombstones = db.prepare(
      `SELECT id, version FROM sandbox_tombstones t
       WHERE tbl = ? AND version > ? AND version <= ? ORDER BY version`
    )
    this.countTombstones = db.prepare(
      'SELECT count(*) AS n FROM sandbox_tombstones WHERE tbl = ? AND version > ? AND version <= ?'
    )
  }

  /**
   * A record id for a new row, in the sequential style Dataverse uses for the ids it generates
   * (the docs' CreateMultiple ids differ only in their first bytes, reference §4.1). Built from the
   * row's version, which is unique, so ids never collide and B-tree inserts stay appends.
   */
  sequentialId(version: number): string {
    return `${version.toString(16).padStart(8, '0')}-${this.idTail}`
  }

  current(): number {
    return this.version
  }

  next(): number {
    this.version += 1
    this.dirty = true
    return this.version
  }

  /** Persists the counter; called inside the write transaction that used the versions. */
  flush(): void {
    if (!this.dirty) return
    this.meta.set('version', this.version)
    this.dirty = false
  }

  recordDeletion(table: string, id: string, at: number): number {
    const version = this.next()
    this.insertTombstone.run(table, id, version, at)
    return version
  }

  deletions(table: string, after: number, upTo: number): { id: string; version: number }[] {
    return this.selectTombstones.all(table, after, upTo) as { id: string; version: number }[]
  }

  countDeletions(table: string, after: number, upTo: number): number {
    return (this.countTombstones.get(table, after, upTo) as { n: number }).n
  }
}

/** The fixed part of this sandbox's generated ids, e.g. 'c2e7-ef11-8a41-00155d3b9f02'. */
function randomTail(): string {
  const h = randomBytes(14).toString('hex')
  return `${h.slice(0, 4)}-${h.slice(4, 8)}-${'89ab'[Number.parseInt(h[8]!, 16) & 3]}${h.slice(9, 12)}-${h.slice(12, 24)}`
}
