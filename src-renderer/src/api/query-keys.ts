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
  pulls: (environmentId: number, table?: string) =>
    (table ? ['pulls', environmentId, table] : ['pulls', environmentId]) as readonly unknown[],
  activePulls: () => ['progress', 'active'] as const,
  changes: (runId: number) => ['changes', runId] as const,
  runs: () => ['runs'] as const
} satisfies Record<string, (...args: never[]) => readonly unknown[]>

/** The query key prefix an entity's data lives under. */
export function prefixOf(entity: DataEntity, environmentId?: number): readonly unknown[] {
  const perEnvironment = entity === 'tables' || entity === 'keys' || entity === 'pulls'
  return perEnvironment && environmentId !== undefined ? [entity, environmentId] : [entity]
}
