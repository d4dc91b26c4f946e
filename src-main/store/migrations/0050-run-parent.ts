import type { Migration } from './types'

/**
 * The run a run was part of: the delta pulls a plan, an apply or an undo makes to bring the mirror
 * up to date belong to that run, not to the pulls an admin started (issue 12, item 8: 53 runs after
 * a short session, most of them empty pulls). No foreign key: pruning the history removes runs by
 * their own age and kind.
 */
export const runParent: Migration = {
  version: 50,
  name: 'run-parent',
  up(db) {
    db.exec(`
      ALTER TABLE runs ADD COLUMN parent_run_id INTEGER;
      CREATE INDEX runs_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
    `)
  }
}
