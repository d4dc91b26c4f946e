import type { Migration } from './types'

/**
 * Where the exports of a table's pulls have got to: the last pull run whose changes — and
 * those of every pull of the table before it — are in a complete export file. A pull's export
 * starts after it, so the changes of a run killed before its export still reach the next one.
 * Keyed by environment and table, the mirror's identity, rather than the mirror's row: the
 * cursor is set before the first exporting pull runs, when the mirror may not exist yet. No
 * foreign key to runs: pruning the history must not move the cursor back.
 */
export const exportCursors: Migration = {
  version: 30,
  name: 'export-cursors',
  up(db) {
    db.exec(`
      CREATE TABLE export_cursors (
        environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        table_name TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        -- The last complete export; null while none has completed since the cursor was set.
        file TEXT,
        exported_at TEXT,
        PRIMARY KEY (environment_id, table_name)
      ) STRICT;
    `)
  }
}
