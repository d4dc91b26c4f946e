import type { Input } from '../../../../src-shared/contract'
import type {
  ColumnMapping,
  MatchKey,
  ProfileView,
  PushSettings,
  SourceSettings
} from '../../../../src-shared/schemas/push'

/** What the profile editor holds while the admin types: numbers as text until saved. */
export interface ProfileForm {
  kind: 'pull' | 'push'
  name: string
  /** The name it was opened with (renaming replaces it); undefined for a new profile. */
  previousName: string | undefined
  environmentId: number
  table: string
  columns: string[]
  source: SourceSettings
  mapping: ColumnMapping[]
  key: MatchKey
  mode: PushSettings['mode']
  missing: PushSettings['missing']
  batchSize: string
  parallelism: string
  strategy: PushSettings['strategy']
  timeZone: string
  decimalSeparator: PushSettings['decimalSeparator']
  /** Empty source cells of columns without a rule of their own. */
  emptyValues: NonNullable<PushSettings['emptyValues']>
  /** Warn when a column would be cleared in more than this share of rows; empty: the default. */
  clearWarningPercent: string
}

export const NO_KEY: MatchKey = { kind: 'alternate', name: '', columns: [] }

export function newForm(kind: 'pull' | 'push', environmentId: number): ProfileForm {
  return {
    kind,
    name: '',
    previousName: undefined,
    environmentId,
    table: '',
    columns: [],
    source: { file: '' },
    mapping: [],
    key: NO_KEY,
    mode: 'upsert',
    missing: 'ignore',
    batchSize: '100',
    parallelism: '',
    strategy: 'auto',
    timeZone: 'UTC',
    decimalSeparator: '.',
    emptyValues: 'ignore',
    clearWarningPercent: ''
  }
}

export function formOf(profile: ProfileView, fallbackEnvironment: number): ProfileForm {
  const base = newForm(profile.kind, profile.environmentId ?? fallbackEnvironment)
  const push = profile.push
  return {
    ...base,
    name: profile.name,
    previousName: profile.name,
    table: profile.table,
    columns: profile.columns ?? [],
    ...(push
      ? {
          source: profile.source ?? base.source,
          mapping: push.mapping,
          key: push.key,
          mode: push.mode,
          missing: push.missing,
          batchSize: String(push.batchSize),
          parallelism: push.parallelism ? String(push.parallelism) : '',
          strategy: push.strategy,
          timeZone: push.timeZone,
          decimalSeparator: push.decimalSeparator,
          emptyValues: push.emptyValues ?? 'ignore',
          clearWarningPercent:
            push.clearWarningPercent === undefined ? '' : String(push.clearWarningPercent)
        }
      : {})
  }
}

/** Problems the form can tell without asking the main process, by field. */
export function localProblems(form: ProfileForm): Record<string, string> {
  const problems: Record<string, string> = {}
  if (!form.name.trim()) problems['name'] = 'Give the profile a name.'
  if (!form.table) problems['table'] = 'Choose the table.'
  if (form.kind === 'pull') return problems
  if (!form.source.file) problems['source.file'] = 'Choose the file with the rows to push.'
  const batch = Number(form.batchSize)
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000)
    problems['batchSize'] = 'A whole number from 1 to 1,000.'
  const dop = Number(form.parallelism)
  if (form.parallelism.trim() && (!Number.isInteger(dop) || dop < 1 || dop > 64))
    problems['parallelism'] = 'A whole number from 1 to 64, or empty for the server’s hint.'
  if (!form.timeZone.trim()) problems['timeZone'] = 'An IANA time zone, e.g. UTC.'
  const percent = Number(form.clearWarningPercent)
  if (form.clearWarningPercent.trim() && !(percent >= 0 && percent <= 100))
    problems['clearWarningPercent'] = 'A share from 0 to 100, or empty for 10%.'
  form.mapping.forEach((m, i) => {
    if (m.empty === 'default' && !m.emptyDefault?.trim())
      problems[`mapping.${i}.emptyDefault`] =
        `Give the value written when ${m.source || 'the source'} is empty, or choose another rule.`
  })
  return problems
}

export function settingsOf(form: ProfileForm): PushSettings {
  return {
    table: form.table,
    key: form.key,
    // A lookup whose table is chosen but not yet its key: the planner's default key applies.
    // A value for empty cells is kept only while the rule is to write it.
    mapping: form.mapping.map(({ lookup, emptyDefault, ...m }) => ({
      ...m,
      ...(lookup && lookup.keyColumns.length ? { lookup } : {}),
      ...(m.empty === 'default' && emptyDefault !== undefined ? { emptyDefault } : {})
    })),
    mode: form.mode,
    missing: form.missing,
    batchSize: Number(form.batchSize),
    ...(form.parallelism.trim() ? { parallelism: Number(form.parallelism) } : {}),
    strategy: form.strategy,
    timeZone: form.timeZone.trim(),
    decimalSeparator: form.decimalSeparator,
    // The defaults are left out, as the engine stores them, so a saved profile reads back as saved.
    ...(form.emptyValues !== 'ignore' ? { emptyValues: form.emptyValues } : {}),
    ...(form.clearWarningPercent.trim()
      ? { clearWarningPercent: Number(form.clearWarningPercent) }
      : {})
  }
}

export function saveInputOf(form: ProfileForm): Input<'profiles:save'> {
  const common = {
    name: form.name.trim(),
    ...(form.previousName ? { previousName: form.previousName } : {}),
    environmentId: form.environmentId
  }
  return form.kind === 'pull'
    ? {
        kind: 'pull',
        ...common,
        table: form.table,
        ...(form.columns.length ? { columns: form.columns } : {})
      }
    : { kind: 'push', ...common, settings: settingsOf(form), source: form.source }
}
