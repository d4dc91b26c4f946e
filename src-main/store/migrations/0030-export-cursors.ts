import type { Migration } from './types'

/**
 * Where the exports of a mirror's pulls have got to: the last pull run whose changes — and
 * those of every pull of the table before it — are in a complete export file. A pull's export
 * starts after it, so the changes of a run killed before its export still reach the next one.
 * No foreign key to runs: pruning the history must not move the cursor back.
 */
export const exportCursors: Migration = {
  version: 30,
  name: 'export-cursors',
  up(db) {
    db.exec(`
      CREATE TABLE export_cursors (
        mirror_id INTEGER PRIMARY KEY REFERENCES mirrors(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL,
        file TEXT NOT NULL,
        exported_at TEXT NOT NULL
      ) STRICT;
    `)
  }
}
