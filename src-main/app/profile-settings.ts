import {
  PushSettings as PushSettingsSchema,
  SourceSettings as SourceSettingsSchema,
  type ProfileView,
  type PushSettings,
  type SourceSettings
} from '../../src-shared/schemas/push'
import type { Store } from '../store/open'
import type { ProfileRecord } from '../store/repositories/profiles'
import { pushSettings } from '../sync/push-settings'

/**
 * How profiles are stored, shared with `dvsync profile` so either can use what the other saved:
 * a pull profile's settings are `{ environment, columns? }`, a push profile's
 * `{ environment, push: <push settings but the table>, source }` (shared/design/cli.md).
 */
export interface StoredPushProfile {
  environment: string
  push: Omit<PushSettings, 'table'>
  source: SourceSettings
}

export interface StoredPullProfile {
  environment: string
  columns?: string[]
}

export function storedPush(
  environment: string,
  settings: PushSettings,
  source: SourceSettings
): StoredPushProfile {
  const { table: _table, ...push } = settings
  return { environment, push, source: { ...source } }
}

/** A push profile's settings as the planner takes them, or why they can't be read. */
export function readPushProfile(
  record: ProfileRecord
): { settings: PushSettings; source: SourceSettings } | { problem: string } {
  const saved = record.settings as { push?: unknown; source?: unknown }
  const push =
    saved.push && typeof saved.push === 'object' && !Array.isArray(saved.push)
      ? (saved.push as Partial<PushSettings>)
      : {}
  const settings = PushSettingsSchema.safeParse(pushSettings({ ...push, table: record.tableName }))
  if (!settings.success) return { problem: describe('settings', settings.error.issues[0]) }
  const source = SourceSettingsSchema.safeParse(saved.source)
  if (!source.success) return { problem: describe('source', source.error.issues[0]) }
  return { settings: settings.data, source: source.data }
}

function describe(
  part: string,
  issue: { path: PropertyKey[]; message: string } | undefined
): string {
  const where = [part, ...(issue?.path ?? []).map(String)].join('.')
  return `The saved profile's ${where} ${issue?.message ?? 'is not valid'}; open it, fix it and save it again.`
}

/** The environment a profile names (by name, as files carry it), else the one it was saved in. */
export function savedEnvironmentName(store: Store, record: ProfileRecord): string | null {
  const named = record.settings['environment']
  if (typeof named === 'string') return named
  return record.environmentId !== null
    ? (store.environments.byId(record.environmentId)?.name ?? null)
    : null
}

/** What the Profiles screen shows of a saved profile. */
export function toProfileView(store: Store, record: ProfileRecord): ProfileView {
  const environmentName = savedEnvironmentName(store, record)
  const environmentId =
    record.environmentId ??
    (environmentName ? (store.environments.byName(environmentName)?.id ?? null) : null)
  const base = {
    name: record.name,
    kind: record.kind,
    environmentId,
    environmentName,
    table: record.tableName,
    columns: null,
    push: null,
    source: null,
    problem: null
  }
  if (record.kind === 'pull') {
    const columns = record.settings['columns']
    return {
      ...base,
      columns:
        Array.isArray(columns) && columns.every((c) => typeof c === 'string') ? columns : null
    }
  }
  const push = readPushProfile(record)
  return 'problem' in push
    ? { ...base, problem: push.problem }
    : { ...base, push: push.settings, source: push.source }
}
