import type { Command } from 'commander'
import type { PushSettings, SourceSettings } from '../../../src-shared/model/push'
import type { Services } from '../../app/services'
import {
  parseKey,
  parseMapping,
  parseMissing,
  parseEmptyValues,
  parseMode,
  pushSettings,
  SettingsError,
  withEmptyColumnRules
} from '../../sync/push-settings'
import { CliError } from '../exit-codes'
import { wholeNumber } from '../numbers'

/** Flags shared by plan and push (shared/design/cli.md). */
export interface PushFlags {
  env?: string
  table?: string
  source?: string
  sheet?: string
  key?: string
  map?: string
  missing?: string
  mode?: string
  profile?: string
  delimiter?: string
  encoding?: string
  timeZone?: string
  decimalComma?: boolean
  batch?: number
  dop?: number
  strategy?: string
  empty?: string
  emptyColumn?: string
}

export function addPushOptions(command: Command): Command {
  return command
    .option('--env <name>', 'environment (or from --profile)')
    .option('--table <logical>', 'table logical name (or from --profile)')
    .option(
      '--source <file>',
      'CSV, JSON, NDJSON or XLSX file, or mirror:ENV/TABLE (or from --profile)'
    )
    .option('--sheet <name>', 'XLSX: the sheet to read (default: the first)')
    .option(
      '--key <key>',
      'alternate key name, its columns (a,b), or id (default: the first Active key the mapping covers)'
    )
    .option('--map <pairs>', 'source=column,… (default: by name); lookups column:table.keycolumn')
    .option('--missing <what>', 'records missing from the source: ignore, deactivate or delete')
    .option('--mode <mode>', 'upsert (default), create or update')
    .option('--profile <name>', 'start from a saved push profile; other flags override it')
    .option('--delimiter <char>', 'CSV delimiter (default: detected)')
    .option('--encoding <name>', 'CSV/JSON encoding (default: detected)')
    .option('--time-zone <iana>', 'time zone of date-times written without an offset (default UTC)')
    .option('--decimal-comma', 'numbers use a decimal comma (12,50)')
    .option('--batch <n>', 'records per request, 1–1000', BATCH)
    .option('--dop <n>', 'most requests at once, 1–64 (never above the server’s hint)', DOP)
    .option('--strategy <kind>', 'auto (default), bulk, batch or single')
    .option(
      '--empty <rule>',
      'empty source cells: ignore (default: the column keeps its value) or clear'
    )
    .option(
      '--empty-column <rules>',
      'per mapped column, e.g. fax=clear,producttypecode=default:Services (needs --map or a profile)'
    )
}

/** The size and parallelism flags of plan, push and apply: one parser each, one range. */
export const BATCH = wholeNumber('--batch', 1, 1000)
export const DOP = wholeNumber('--dop', 1, 64)

export interface ResolvedPush {
  environmentName: string
  settings: PushSettings
  source: SourceSettings
}

/** Profile settings overridden by flags, checked; every problem is a usage error (exit 2). */
export function resolvePush(services: Services, flags: PushFlags): ResolvedPush {
  try {
    const profile = flags.profile ? services.store.profiles.byName(flags.profile) : undefined
    if (flags.profile && (!profile || profile.kind !== 'push'))
      throw new CliError(
        `There is no push profile named '${flags.profile}'. List them with: dvsync profile list`
      )
    const saved = (profile?.settings ?? {}) as {
      push?: Partial<PushSettings>
      source?: SourceSettings
      environment?: string
    }
    const table = (flags.table ?? profile?.tableName)?.toLowerCase()
    const environmentName = flags.env ?? saved.environment
    const file = flags.source ?? saved.source?.file
    if (!environmentName)
      throw new CliError('Say which environment: --env NAME (or a --profile that names one).')
    if (!table)
      throw new CliError('Say which table: --table LOGICAL (or a --profile that names one).')
    if (!file)
      throw new CliError('Say which file to push: --source FILE (or a --profile that names one).')
    // A profile is a file anyone may have edited (or imported): its path must be a path.
    if (typeof file !== 'string')
      throw new CliError(`The profile's source file is not a path (${JSON.stringify(file)}).`)
    const merged = pushSettings({
      ...saved.push,
      table,
      ...(flags.key ? { key: parseKey(flags.key) } : {}),
      ...(flags.map ? { mapping: parseMapping(flags.map) } : {}),
      ...(flags.missing ? { missing: parseMissing(flags.missing) } : {}),
      ...(flags.mode ? { mode: parseMode(flags.mode) } : {}),
      ...(flags.timeZone ? { timeZone: flags.timeZone } : {}),
      ...(flags.decimalComma ? { decimalSeparator: ',' as const } : {}),
      ...(flags.batch ? { batchSize: flags.batch } : {}),
      ...(flags.dop ? { parallelism: flags.dop } : {}),
      ...(flags.strategy ? { strategy: strategyOf(flags.strategy) } : {}),
      ...(flags.empty ? { emptyValues: parseEmptyValues(flags.empty) } : {})
    })
    const settings = flags.emptyColumn
      ? { ...merged, mapping: withEmptyColumnRules(merged.mapping, flags.emptyColumn) }
      : merged
    const source: SourceSettings = {
      ...saved.source,
      file,
      ...(flags.sheet ? { sheet: flags.sheet } : {}),
      ...(flags.delimiter ? { delimiter: flags.delimiter } : {}),
      ...(flags.encoding ? { encoding: flags.encoding } : {})
    }
    return { environmentName, settings, source }
  } catch (err) {
    if (err instanceof SettingsError) throw new CliError(err.message)
    throw err
  }
}

function strategyOf(text: string): PushSettings['strategy'] {
  if (text === 'auto' || text === 'bulk' || text === 'batch' || text === 'single') return text
  throw new CliError(`--strategy must be auto, bulk, batch or single (got '${text}').`)
}
