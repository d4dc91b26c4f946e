import type {
  ColumnMapping,
  EmptyValueRule,
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

/** `--empty ignore|clear`: what empty cells do to columns without a rule of their own. */
export function parseEmptyValues(text: string): 'ignore' | 'clear' {
  if (text === 'ignore' || text === 'clear') return text
  throw new SettingsError(`--empty must be ignore or clear (got '${text}').`)
}

/**
 * `--empty-column "fax=clear,producttypecode=default:Services"`: a rule for the empty cells of
 * single columns (by their Dataverse logical name), set on the mapping's entries.
 */
export function withEmptyColumnRules(mapping: ColumnMapping[], text: string): ColumnMapping[] {
  if (mapping.length === 0)
    throw new SettingsError(
      '--empty-column sets rules on mapped columns: give the mapping with --map (or a --profile that has one).'
    )
  const rules = new Map<string, Pick<ColumnMapping, 'empty' | 'emptyDefault'>>()
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=')
    const column = pair.slice(0, Math.max(eq, 0)).trim().toLowerCase()
    const rule = pair.slice(eq + 1).trim()
    if (eq <= 0 || !rule)
      throw new SettingsError(
        `--empty-column entry '${pair}' is not column=ignore|clear|default:VALUE.`
      )
    if (!mapping.some((m) => m.target === column))
      throw new SettingsError(
        `--empty-column names '${column}', which the mapping does not write (mapped: ${mapping.map((m) => m.target).join(', ')}).`
      )
    if (rule === 'ignore' || rule === 'clear') rules.set(column, { empty: rule })
    else if (rule.startsWith('default:'))
      rules.set(column, { empty: 'default' satisfies EmptyValueRule, emptyDefault: rule.slice(8) })
    else
      throw new SettingsError(
        `--empty-column rule '${rule}' for ${column} must be ignore, clear or default:VALUE.`
      )
  }
  return mapping.map((m) => ({ ...m, ...rules.get(m.target) }))
}
