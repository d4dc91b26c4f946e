import type { Migration } from './types'

/**
 * The columns that name a mirrored record in the journal ("PRD-0000042"): those of the table's
 * first Active key when it was last read, as JSON property names, or NULL when no key was Active.
 * key_columns lists every key the mirror indexes, Pending and Failed ones too; only an Active key
 * identifies a record (issue 12, item 4: a Failed key named every record "Seattle").
 */
export const mirrorRecordKey: Migration = {
  version: 40,
  name: 'mirror-record-key',
  up(db) {
    db.exec('ALTER TABLE mirrors ADD COLUMN record_key TEXT')
  }
}
