import type { DataEntity } from '../../../src-shared/schemas/app'

/**
 * Every cached query starts with the entity it shows, then the environment it belongs to, so a
 * `data:changed` event can invalidate exactly what went stale (see events.ts).
 */
export const keys = {
  appInfo: () => ['app', 'info'] as const,
  environments: () => ['environments'] as const,
  tables: (environmentId: number) => ['tables', environmentId] as const,
  table: (environmentId: number, table: string) => ['tables', environmentId, table] as const,
  keys: (environmentId: number, table: string) => ['keys', environmentId, table] as const,
  /** Under the table: read from its mirror, so a pull (which changes `tables`) refreshes them. */
  keyDuplicates: (environmentId: number, table: string, key: string) =>
    ['tables', environmentId, table, 'duplicates', key] as const,
  pulls: (environmentId: number, table?: string) =>
    (table ? ['pulls', environmentId, table] : ['pulls', environmentId]) as readonly unknown[],
  activePulls: () => ['progress', 'active'] as const,
  changes: (runId: number) => ['changes', runId] as const,
  runs: () => ['runs'] as const,
  runList: (filter: object) => ['runs', 'list', filter] as const,
  trend: (filter: object) => ['runs', 'trend', filter] as const,
  run: (runId: number) => ['runs', 'detail', runId] as const,
  runItems: (runId: number, filter: object) => ['runs', 'items', runId, filter] as const,
  compare: (a: number, b: number) => ['runs', 'compare', a, b] as const,
  activeApplies: () => ['progress', 'applies'] as const,
  profiles: () => ['profiles'] as const,
  profile: (name: string) => ['profiles', name] as const,
  source: (settings: object) => ['sources', settings] as const,
  plans: (environmentId?: number) =>
    (environmentId ? ['plans', 'list', environmentId] : ['plans', 'list']) as readonly unknown[],
  plan: (planId: number) => ['plans', planId] as const,
  planItems: (planId: number, filter: object) => ['plans', planId, 'items', filter] as const
} satisfies Record<string, (...args: never[]) => readonly unknown[]>

/** The query key prefix an entity's data lives under. */
export function prefixOf(entity: DataEntity, environmentId?: number): readonly unknown[] {
  const perEnvironment = entity === 'tables' || entity === 'keys' || entity === 'pulls'
  return perEnvironment && environmentId !== undefined ? [entity, environmentId] : [entity]
}
