import type Database from 'better-sqlite3'

export interface Migration {
  /** Stepped by 10 so a fix can slot in between two released migrations. */
  version: number
  name: string
  up(db: Database.Database): void
}
