import type Database from 'better-sqlite3'
import {
  AUTH_KINDS,
  type AuthKind,
  type EnvironmentConfig
} from '../../../src-shared/model/environment'

interface Row {
  id: number
  name: string
  url: string
  auth_kind: string
  settings: string
}

/** Settings kept per environment. Only these fields are written: a secret can't slip in. */
const SETTING_FIELDS = [
  'tenantId',
  'clientId',
  'authority',
  'certificatePath',
  'tokenCommand',
  'account'
] as const

export class DuplicateNameError extends Error {
  override name = 'DuplicateNameError'
}

function toConfig(row: Row): EnvironmentConfig {
  const settings = JSON.parse(row.settings) as Partial<EnvironmentConfig>
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    authKind: row.auth_kind as AuthKind,
    ...settings
  }
}

/**
 * The account is an object from the sign-in layer: only the fields that name it are kept, so an
 * id token or anything else riding along in it never reaches the file.
 */
function accountOf(
  account: EnvironmentConfig['account']
): EnvironmentConfig['account'] | undefined {
  if (!account || typeof account !== 'object') return undefined
  const { username, homeAccountId, name } = account
  if (typeof username !== 'string' || typeof homeAccountId !== 'string') return undefined
  return { username, homeAccountId, ...(typeof name === 'string' ? { name } : {}) }
}

function settingsOf(config: Partial<EnvironmentConfig>): string {
  const out: Record<string, unknown> = {}
  for (const field of SETTING_FIELDS) {
    const value = field === 'account' ? accountOf(config.account) : config[field]
    if (value !== undefined) out[field] = value
  }
  return JSON.stringify(out)
}

/** The environments the admin configured (reference: shared/design/cli.md `env`). */
export class EnvironmentRepository {
  constructor(private readonly db: Database.Database) {}

  add(config: Omit<EnvironmentConfig, 'id'>): EnvironmentConfig {
    if (!AUTH_KINDS.includes(config.authKind))
      throw new Error(`Unknown sign-in kind '${config.authKind}'.`)
    if (this.byName(config.name)) {
      throw new DuplicateNameError(
        `An environment named '${config.name}' already exists; pick another name or remove it first.`
      )
    }
    const now = new Date().toISOString()
    const info = this.db
      .prepare(
        'INSERT INTO environments (name, url, auth_kind, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'
      )
      .run(config.name, config.url, config.authKind, settingsOf(config), now, now)
    return this.byId(Number(info.lastInsertRowid))!
  }

  update(config: EnvironmentConfig): EnvironmentConfig {
    this.db
      .prepare(
        'UPDATE environments SET url = ?, auth_kind = ?, settings = ?, updated_at = ? WHERE id = ?'
      )
      .run(config.url, config.authKind, settingsOf(config), new Date().toISOString(), config.id)
    return this.byId(config.id)!
  }

  list(): EnvironmentConfig[] {
    return (this.db.prepare('SELECT * FROM environments ORDER BY name').all() as Row[]).map(
      toConfig
    )
  }

  byName(name: string): EnvironmentConfig | undefined {
    const row = this.db.prepare('SELECT * FROM environments WHERE name = ?').get(name) as
      Row | undefined
    return row && toConfig(row)
  }

  byId(id: number): EnvironmentConfig | undefined {
    const row = this.db.prepare('SELECT * FROM environments WHERE id = ?').get(id) as
      Row | undefined
    return row && toConfig(row)
  }

  /** Removes the environment with its profiles and mirrors; run history stays, unlinked. */
  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM environments WHERE id = ?').run(id).changes > 0
  }
}
