import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { storageError } from './errors'
import { migrate } from './migrations/index'
import { EnvironmentRepository } from './repositories/environments'
import { ExportCursorRepository } from './repositories/export-cursors'
import { MirrorRepository } from './repositories/mirrors'
import { PlanRepository } from './repositories/plans'
import { ProfileRepository } from './repositories/profiles'
import { RunRepository } from './repositories/runs'

export interface Store {
  /** The data folder, as its errors name it. */
  readonly folder: string
  readonly file: string
  readonly db: Database.Database
  readonly environments: EnvironmentRepository
  readonly profiles: ProfileRepository
  readonly mirrors: MirrorRepository
  readonly runs: RunRepository
  readonly plans: PlanRepository
  readonly exportCursors: ExportCursorRepository
  close(): void
}

export const STORE_FILE = 'dvsync.sqlite'

/** How long a statement waits for another process's write to finish before giving up. */
export const BUSY_TIMEOUT_MS = 10_000

/**
 * Every transaction of the store begins IMMEDIATE: it takes the write lock at BEGIN, waiting
 * for another process's writes within the busy timeout. A deferred one (better-sqlite3's
 * default) that reads first and writes later can't wait: when another connection holds or has
 * just used the write lock, SQLite answers SQLITE_BUSY at once ("database is locked") without
 * calling the busy handler, because the read it began with is already stale
 * (https://www.sqlite.org/lang_transaction.html, "BEGIN IMMEDIATE"; sqlite.org/wal.html §2.2).
 * The app and a scheduled dvsync on one data folder met it in every pull's mirror set-up and
 * page. A transaction's caller can still ask for `.deferred` explicitly.
 */
function immediateTransactions(db: Database.Database): void {
  const transaction = db.transaction.bind(db)
  db.transaction = (fn) => {
    const variants = transaction(fn)
    // At run time each variant carries the others (.deferred, .immediate…) like the default.
    return variants.immediate as typeof variants
  }
}

/**
 * Opens (or creates) the data folder's database: WAL so the app and a scheduled `dvsync` can read
 * while one writes, foreign keys on, migrations applied. The folder is private to the user.
 */
export function openStore(dataDir: string): Store {
  const folder = resolve(dataDir)
  const file = join(folder, STORE_FILE)
  let db: Database.Database
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 })
    // The busy timeout from the first statement on (setting WAL and migrating included): a
    // process that finds the file locked by another waits for it instead of failing at once.
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS })
    immediateTransactions(db)
  } catch (err) {
    throw storageError(err, folder, { fileSystem: true }) ?? err
  }
  try {
    db.pragma('journal_mode = WAL')
    // With WAL, NORMAL survives a crash of the process (every committed page set is kept);
    // only a power loss may roll back the very last transactions — and a delta token is always
    // committed with the rows it covers, so even then nothing is skipped, only re-read.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // A page of 5,000 rows is several MB: checkpoint every ~64 MB of WAL rather than every 4 MB,
    // so a pull doesn't stop to copy pages back after each transaction.
    db.pragma('wal_autocheckpoint = 16000')
    // Planning keeps the ids it matched in a temporary table; in memory, not in a temp file.
    db.pragma('temp_store = MEMORY')
    migrate(db, file)
  } catch (err) {
    db.close()
    // A read-only or full folder is a StorageError that says so; anything else as it came.
    throw storageError(err, folder) ?? err
  }
  return {
    folder,
    file,
    db,
    environments: new EnvironmentRepository(db),
    profiles: new ProfileRepository(db),
    mirrors: new MirrorRepository(db),
    runs: new RunRepository(db),
    plans: new PlanRepository(db),
    exportCursors: new ExportCursorRepository(db),
    close: () => db.close()
  }
}
