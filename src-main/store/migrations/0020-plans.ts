import type { Migration } from './types'

/**
 * Plans and their items. An item is both what the preview proposed for one source row (or one
 * mirror record missing from the source) and the apply journal for it: its outcome is written
 * before and after each request, so an interrupted apply resumes where it stopped.
 */
export const plans: Migration = {
  version: 20,
  name: 'plans',
  up(db) {
    db.exec(`
      CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL,
        status TEXT NOT NULL,
        settings TEXT NOT NULL,
        -- What the apply needs to know of the table, read once at plan time.
        details TEXT NOT NULL DEFAULT '{}',
        counts TEXT NOT NULL DEFAULT '{}',
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE plan_items (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        source_row INTEGER,
        location TEXT,
        record_id TEXT,
        record_key TEXT,
        key_values TEXT,
        action TEXT NOT NULL,
        changes TEXT NOT NULL DEFAULT '{}',
        payload TEXT,
        etag TEXT,
        error TEXT,
        excluded INTEGER NOT NULL DEFAULT 0,
        outcome TEXT NOT NULL DEFAULT 'pending',
        outcome_code TEXT,
        outcome_message TEXT,
        UNIQUE (plan_id, seq)
      ) STRICT;
      CREATE INDEX plan_items_by_row ON plan_items (plan_id, source_row);
    `)
  }
}
