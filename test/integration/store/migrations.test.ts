import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  DatabaseFromTheFutureError,
  MIGRATIONS,
  SCHEMA_VERSION
} from '../../../src-main/store/migrations/index'
import { STORE_FILE, openStore } from '../../../src-main/store/open'

/**
 * Opening the data folder's SQLite file (src-main/store/open.ts, migrations/): pragmas, the
 * numbered migrations applied in one transaction, and a file from a newer version refused.
 */

const dirs: string[] = []
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dvsync-store-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const tablesIn = (file: string): string[] => {
  const db = new Database(file, { readonly: true })
  try {
    return (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string
      }[]
    ).map((r) => r.name)
  } finally {
    db.close()
  }
}

describe('opening the store', () => {
  it('creates the schema at the code’s version, in WAL mode with foreign keys on', () => {
    const dir = dataDir()
    const store = openStore(dir)
    try {
      expect(store.file).toBe(join(dir, STORE_FILE))
      expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
      expect(SCHEMA_VERSION).toBe(MIGRATIONS.at(-1)!.version)
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
      store.environments.add({
        name: 'kept',
        url: 'https://kept.crm.dynamics.com',
        authKind: 'interactive'
      })
    } finally {
      store.close()
    }
    expect(tablesIn(join(dir, STORE_FILE))).toEqual(
      expect.arrayContaining(['environments', 'mirrors', 'profiles', 'run_items', 'runs'])
    )
    // Opening again migrates nothing and keeps what was there.
    const again = openStore(dir)
    try {
      expect(again.environments.list().map((e) => e.name)).toEqual(['kept'])
    } finally {
      again.close()
    }
  })

  it('applies the migrations in one transaction: a failure half-way leaves the file as it was', () => {
    const dir = dataDir()
    const file = join(dir, STORE_FILE)
    // A table in the way of the last statement of the first migration.
    const blocker = new Database(file)
    blocker.exec('CREATE TABLE run_items (x INTEGER)')
    blocker.close()

    expect(() => openStore(dir)).toThrow(/table run_items already exists/)
    // Nothing of the tables created before the failure survived, and the version is unchanged.
    expect(tablesIn(file)).toEqual(['run_items'])
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(0)
    check.close()

    const fixer = new Database(file)
    fixer.exec('DROP TABLE run_items')
    fixer.close()
    const store = openStore(dir)
    expect(store.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    store.close()
  })

  it('refuses a file written by a newer version, says so, and leaves it untouched', () => {
    const dir = dataDir()
    openStore(dir).close()
    const file = join(dir, STORE_FILE)
    const newer = new Database(file)
    newer.pragma(`user_version = ${SCHEMA_VERSION + 10}`)
    newer.close()

    let error: unknown
    try {
      openStore(dir).close()
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(DatabaseFromTheFutureError)
    expect((error as Error).message).toBe(
      `The data file ${file} was written by a newer version of Dataverse Sync Studio (schema ${SCHEMA_VERSION + 10}; this version knows ${SCHEMA_VERSION}). Update the app, or use another --data-dir.`
    )
    const check = new Database(file, { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 10)
    check.close()
  })
})
