import type {
  ColumnMapping,
  MatchKey,
  MissingRows,
  PushMode,
  PushSettings
} from '../../src-shared/model/push'

export class SettingsError extends Error {
  override name = 'SettingsError'
}

// Small enough that a 429 or a failed request costs little and parallel requests keep the
// service busy; the docs suggest starting between 100 and 1,000 (reference §4.2).
export const DEFAULT_BATCH_SIZE = 100

/**
 * A plan warns when it would clear a column in more than this share of its rows. Like the empty
 * cell rule (ignore), it is a default left out of stored settings, so saved profiles stay as saved.
 */
export const DEFAULT_CLEAR_WARNING_PERCENT = 10

/** Push settings with the documented defaults (reference §4.2 for the batch size). */
export function pushSettings(partial: Partial<PushSettings> & { table: string }): PushSettings {
  return {
    key: { kind: 'alternate', name: '', columns: [] },
    mapping: [],
    mode: 'upsert',
    missing: 'ignore',
    batchSize: DEFAULT_BATCH_SIZE,
    strategy: 'auto',
    timeZone: 'UTC',
    decimalSeparator: '.',
    ...partial
  }
}

/**
 * `--map "Code=productnumber,Price=price,Parent=parentcustomerid:account.accountnumber"`:
 * source=column pairs; a lookup may name the table and key columns it resolves by
 * (`:table.col1+col2`, with source columns `A+B=…` for a compound key).
 */
export function parseMapping(text: string): ColumnMapping[] {
  return text
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.lastIndexOf('=')
      if (eq <= 0 || eq === pair.length - 1)
        throw new SettingsError(`--map entry '${pair}' is not source=column.`)
      const sources = pair
        .slice(0, eq)
        .split('+')
        .map((s) => s.trim())
      const [target, lookupSpec] = pair
        .slice(eq + 1)
        .split(':')
        .map((s) => s.trim()) as [string, string | undefined]
      const mapping: ColumnMapping = { source: sources[0]!, target: target.toLowerCase() }
      if (lookupSpec !== undefined) {
        const dot = lookupSpec.indexOf('.')
        if (dot <= 0)
          throw new SettingsError(
            `--map lookup '${lookupSpec}' must be table.keycolumn (e.g. account.accountnumber).`
          )
        mapping.lookup = {
          table: lookupSpec.slice(0, dot).toLowerCase(),
          keyColumns: lookupSpec
            .slice(dot + 1)
            .split('+')
            .map((c) => c.trim().toLowerCase()),
          sourceColumns: sources
        }
      } else if (sources.length > 1) {
        throw new SettingsError(
          `--map entry '${pair}' joins several source columns; that only works for a lookup with a compound key (column:table.key1+key2).`
        )
      }
      return mapping
    })
}

/** `--key productnumberkey`, `--key firstname,emailaddress1` or `--key id`. */
export function parseKey(text: string): MatchKey {
  const value = text.trim()
  if (value === '') throw new SettingsError('--key needs a key name, the key columns (a,b) or id.')
  if (value.toLowerCase() === 'id') return { kind: 'primary' }
  if (value.includes(','))
    return {
      kind: 'alternate',
      name: '',
      columns: value
        .split(',')
        .map((c) => c.trim().toLowerCase())
        .filter(Boolean)
    }
  // One word: the name of a key, or the single column of one; the resolver accepts either.
  return { kind: 'alternate', name: value.toLowerCase(), columns: [value.toLowerCase()] }
}

export function parseMode(text: string): PushMode {
  if (text === 'upsert' || text === 'create' || text === 'update') return text
  throw new SettingsError(`--mode must be upsert, create or update (got '${text}').`)
}

export function parseMissing(text: string): MissingRows {
  if (text === 'ignore' || text === 'deactivate' || text === 'delete') return text
  throw new SettingsError(`--missing must be ignore, deactivate or delete (got '${text}').`)
}
