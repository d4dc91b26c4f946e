import type { Store } from '../store/open'
import { AppError } from './errors'
import { savedEnvironmentName } from './profile-settings'

/** What a saved pull profile asks for; `dvsync pull --profile` and the app's "Pull now" read it. */
export interface PullProfileRequest {
  profileName: string
  /** The environment by name: profiles are files people edit, and names survive a re-add. */
  environmentName: string
  table: string
  /** Absent: the mirror's columns, or every readable column the first time. */
  columns?: string[]
}

/**
 * Reads pull profile `name` ({ environment, columns? } beside its table, profile-settings.ts),
 * refusing what a pull can't use with a message that says what to change.
 */
export function readPullProfile(store: Store, name: string): PullProfileRequest {
  const record = store.profiles.byName(name)
  if (!record || record.kind !== 'pull')
    throw new AppError(
      'NOT_FOUND',
      record
        ? `'${name}' is a push profile; a pull needs a pull profile (see: dvsync profile list).`
        : `There is no pull profile named '${name}' (see: dvsync profile list).`
    )
  const columns = record.settings['columns']
  const environmentName = savedEnvironmentName(store, record)
  if (!environmentName)
    throw new AppError(
      'PRECONDITION',
      `Pull profile '${name}' names no environment that exists; open it, choose one and save it again.`
    )
  if (
    columns !== undefined &&
    (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string' && c.trim() !== ''))
  )
    throw new AppError(
      'INVALID_INPUT',
      `Pull profile '${name}': columns must be a list of column names (got ${JSON.stringify(columns).slice(0, 80)}).`,
      'columns'
    )
  return {
    profileName: record.name,
    environmentName,
    table: record.tableName,
    ...(Array.isArray(columns) && columns.length ? { columns: columns as string[] } : {})
  }
}
