import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

/**
 * The sandbox keeps its tables in SQLite: a file when the admin wants the sandbox to survive
 * restarts (`--store FILE`), otherwise a throw-away file in the temp folder. A file rather than
 * `:memory:` keeps a 1,000,000-row table out of the process heap (SQLite pages it).
 */
export interface SandboxDatabase {
  db: Database.Database
  /** True when the file already held a sandbox (schema and rows are loaded, not seeded). */
  existed: boolean
  close(): void
}

export function openSandboxDatabase(storeFile?: string): SandboxDatabase {
  const tempDir = storeFile ? undefined : mkdtempSync(join(tmpdir(), 'dvsync-sandbox-'))
  const file = storeFile ?? join(tempDir!, 'sandbox.sqlite')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  // Durability across power loss is not the sandbox's job; speed is (a persistent store still
  // survives a clean restart and a killed process: WAL with synchronous=OFF loses nothing then).
  db.pragma('synchronous = OFF')
  db.pragma('cache_size = -32000')
  const existed = db
    .prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'sandbox_meta'"
    )
    .get() as { n: number }
  db.exec(`
    CREATE TABLE IF NOT EXISTS sandbox_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS sandbox_tombstones (
      tbl TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, deleted_at INTEGER NOT NULL,
      PRIMARY KEY (tbl, version)
    );
  `)
  return {
    db,
    existed: existed.n > 0,
    close() {
      db.close()
      if (tempDir) rmSync(tempDir, { recursive: true, force: true })
    }
  }
}

/** Small typed key/value settings that must persist with the data (schema, version counter…). */
export class MetaStore {
  private readonly getStmt: Database.Statement<[string], { value: string }>
  private readonly setStmt: Database.Statement<[string, string]>

  constructor(db: Database.Database) {
    this.getStmt = db.prepare('SELECT value FROM sandbox_meta WHERE key = ?')
    this.setStmt = db.prepare(
      'INSERT INTO sandbox_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'
    )
  }

  get<T>(key: string): T | undefined {
    const row = this.getStmt.get(key)
    return row ? (JSON.parse(row.value) as T) : undefined
  }

  set(key: string, value: unknown): void {
    this.setStmt.run(key, JSON.stringify(value))
  }
}
