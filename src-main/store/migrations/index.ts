import type Database from 'better-sqlite3'
import { initial } from './0010-initial'
import { plans } from './0020-plans'
import { exportCursors } from './0030-export-cursors'
import { mirrorRecordKey } from './0040-mirror-record-key'
import { runParent } from './0050-run-parent'
import type { Migration } from './types'

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  plans,
  exportCursors,
  mirrorRecordKey,
  runParent
]

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version

export class DatabaseFromTheFutureError extends Error {
  override name = 'DatabaseFromTheFutureError'
}

/**
 * Brings the database to the code's schema version: all pending migrations in one
 * transaction, so a crash leaves the old schema, never half of the new one. A database written
 * by a newer version of the product is refused rather than misread.
 */
export function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new DatabaseFromTheFutureError(
      `The data file ${file} was written by a newer version of Dataverse Sync Studio (schema ${current}; this version knows ${SCHEMA_VERSION}). Update the app, or use another --data-dir.`
    )
  }
  if (current === SCHEMA_VERSION) return
  // Read again under the write lock: two processes opening a new data folder at once both see
  // version 0, and the one that waited must not create the tables the other just created.
  db.transaction(() => {
    const locked = db.pragma('user_version', { simple: true }) as number
    for (const migration of MIGRATIONS.filter((m) => m.version > locked)) migration.up(db)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  }).immediate()
}
