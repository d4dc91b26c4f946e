import type { Migration } from './types'

/**
 * Environments (no secrets), profiles, mirrors with their delta links, runs and their items.
 * Mirror rows live in one table per mirror (created by the mirror repository), so a table's
 * rows, key indexes and resync are independent of every other table's.
 */
export const initial: Migration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE environments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        url TEXT NOT NULL,
        auth_kind TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        kind TEXT NOT NULL CHECK (kind IN ('pull', 'push')),
        environment_id INTEGER REFERENCES environments(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE mirrors (
        id INTEGER PRIMARY KEY,
        environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL,
        entity_set TEXT NOT NULL,
        primary_id TEXT NOT NULL,
        columns TEXT NOT NULL,
        key_columns TEXT NOT NULL DEFAULT '[]',
        delta_link TEXT,
        delta_saved_at TEXT,
        last_pull_at TEXT,
        row_count INTEGER NOT NULL DEFAULT 0,
        UNIQUE (environment_id, table_name)
      ) STRICT;

      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        mode TEXT,
        status TEXT NOT NULL,
        environment_id INTEGER REFERENCES environments(id) ON DELETE SET NULL,
        environment_name TEXT,
        table_name TEXT,
        profile_name TEXT,
        account TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        counts TEXT NOT NULL DEFAULT '{}',
        figures TEXT NOT NULL DEFAULT '{}',
        message TEXT,
        details TEXT NOT NULL DEFAULT '{}'
      ) STRICT;
      CREATE INDEX runs_by_table ON runs (environment_id, table_name, started_at);

      -- A rowid table: items carry large before/after values, which WITHOUT ROWID B-trees
      -- store poorly; appends go to the end of the table and of the small (run_id, seq) index.
      CREATE TABLE run_items (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        record_id TEXT,
        record_key TEXT,
        action TEXT NOT NULL,
        outcome TEXT,
        before TEXT,
        after TEXT,
        error_code TEXT,
        error_message TEXT,
        UNIQUE (run_id, seq)
      ) STRICT;
    `)
  }
}
