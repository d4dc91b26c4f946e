import type Database from 'better-sqlite3'

export interface ProfileRecord {
  id: number
  name: string
  kind: 'pull' | 'push'
  environmentId: number | null
  tableName: string
  settings: Record<string, unknown>
}

interface Row {
  id: number
  name: string
  kind: 'pull' | 'push'
  environment_id: number | null
  table_name: string
  settings: string
}

const toRecord = (row: Row): ProfileRecord => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  environmentId: row.environment_id,
  tableName: row.table_name,
  settings: JSON.parse(row.settings) as Record<string, unknown>
})

/** Named pull and push settings (shared/design/cli.md `profile`). */
export class ProfileRepository {
  constructor(private readonly db: Database.Database) {}

  save(profile: Omit<ProfileRecord, 'id'>): ProfileRecord {
    const now = new Date().toISOString()
    this.db
      .prepare(
        `INSERT INTO profiles (name, kind, environment_id, table_name, settings, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, environment_id = excluded.environment_id,
           table_name = excluded.table_name, settings = excluded.settings, updated_at = excluded.updated_at`
      )
      .run(
        profile.name,
        profile.kind,
        profile.environmentId,
        profile.tableName,
        JSON.stringify(profile.settings),
        now,
        now
      )
    return this.byName(profile.name)!
  }

  byName(name: string): ProfileRecord | undefined {
    const row = this.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as
      Row | undefined
    return row && toRecord(row)
  }

  list(): ProfileRecord[] {
    return (this.db.prepare('SELECT * FROM profiles ORDER BY name').all() as Row[]).map(toRecord)
  }

  remove(name: string): boolean {
    return this.db.prepare('DELETE FROM profiles WHERE name = ?').run(name).changes > 0
  }
}
