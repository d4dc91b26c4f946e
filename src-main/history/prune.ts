import type { RunKind, RunStatus } from '../../src-shared/model/run'
import type { Store } from '../store/open'
import { HistoryError } from './list'

/**
 * Retention: history is kept until the admin prunes it (issue 6). A run is pruned when every rule
 * given lets it go — older than `olderThanDays`, and not among the `keep` newest runs of its kind
 * for its table — so `--older-than 90 --keep 10` keeps the last ten of each even if they are old.
 */
export interface PrunePolicy {
  olderThanDays?: number
  /** Runs to keep per environment, table and kind (a nightly pull never pushes out the last push). */
  keep?: number
  /** Only report what would be pruned. */
  dryRun?: boolean
  now?: Date
}

export interface PrunedRun {
  id: number
  kind: RunKind
  status: RunStatus
  environmentName: string | null
  table: string | null
  startedAt: string
}

export interface PruneResult {
  dryRun: boolean
  /** The runs pruned, oldest first. */
  runs: PrunedRun[]
  /** Their journal items (per-record outcomes, before/after values). */
  items: number
  /** Applied plans that only pruned runs referred to, and their items. */
  plans: number[]
  planItems: number
  /** Runs the rules would have pruned but that were kept: still running, or a pending plan's. */
  protectedRuns: number
}

const DAY_MS = 86_400_000

/**
 * Deletes old runs with their items, and the applied plans only they referred to. Never touches
 * mirrors, delta links, environments, profiles, plans still to be applied (ready, applying,
 * partial), running runs, or anything outside the data file (tokens live in the keychain).
 */
export function pruneRuns(store: Store, policy: PrunePolicy): PruneResult {
  const { olderThanDays, keep } = policy
  if (olderThanDays === undefined && keep === undefined)
    throw new HistoryError('Say what to prune: runs older than some days, or all but the newest N.')
  if (olderThanDays !== undefined && !(Number.isFinite(olderThanDays) && olderThanDays >= 0))
    throw new HistoryError(`The age must be a number of days, 0 or more (got ${olderThanDays}).`)
  if (keep !== undefined && !(Number.isInteger(keep) && keep >= 0))
    throw new HistoryError(`The number of runs to keep must be 0 or more (got ${keep}).`)
  const cutoff =
    olderThanDays === undefined
      ? null
      : new Date((policy.now ?? new Date()).getTime() - olderThanDays * DAY_MS).toISOString()
  const candidates = store.db
    .prepare(
      `WITH ranked AS (
         SELECT r.id, r.kind, r.status, r.environment_name, r.table_name, r.started_at,
                row_number() OVER (
                  PARTITION BY r.environment_id, r.environment_name, r.table_name, r.kind
                  ORDER BY r.id DESC) AS rank,
                (SELECT count(*) FROM plans p WHERE p.run_id = r.id
                   AND p.status IN ('ready', 'applying', 'partial')) AS pending_plans
           FROM runs r WHERE r.parent_run_id IS NULL)
       SELECT * FROM ranked
        WHERE (? IS NULL OR rank > ?) AND (? IS NULL OR started_at < ?)
        ORDER BY id`
    )
    .all(keep ?? null, keep ?? null, cutoff, cutoff) as {
    id: number
    kind: RunKind
    status: RunStatus
    environment_name: string | null
    table_name: string | null
    started_at: string
    pending_plans: number
  }[]
  // A live run is someone's work in progress; a pending plan's run is the record of who made it.
  const pruned = candidates.filter((r) => r.status !== 'running' && r.pending_plans === 0)
  const prunedIds = new Set(pruned.map((r) => r.id))
  const referenced = new Set<number>()
  for (const row of store.db
    .prepare(
      `SELECT id, json_extract(details, '$.planId') AS plan FROM runs WHERE plan IS NOT NULL`
    )
    .all() as { id: number; plan: unknown }[])
    if (!prunedIds.has(row.id) && typeof row.plan === 'number') referenced.add(row.plan)
  const plansOf = new Map<number, number[]>()
  for (const plan of store.db
    .prepare(`SELECT id, run_id FROM plans WHERE status = 'applied' AND run_id IS NOT NULL`)
    .all() as { id: number; run_id: number }[]) {
    if (!prunedIds.has(plan.run_id) || referenced.has(plan.id)) continue
    plansOf.set(plan.run_id, [...(plansOf.get(plan.run_id) ?? []), plan.id])
  }
  const plans = [...plansOf.values()].flat()
  // A run's parts (its delta pulls) go with it, never on their own.
  const countItems = store.db.prepare(
    'SELECT count(*) AS n FROM run_items WHERE run_id = ? OR run_id IN (SELECT id FROM runs WHERE parent_run_id = ?)'
  )
  const countPlanItems = store.db.prepare('SELECT count(*) AS n FROM plan_items WHERE plan_id = ?')
  const items = pruned.reduce((n, r) => n + (countItems.get(r.id, r.id) as { n: number }).n, 0)
  const planItems = plans.reduce((n, p) => n + (countPlanItems.get(p) as { n: number }).n, 0)

  if (!policy.dryRun) {
    const deletePlan = store.db.prepare('DELETE FROM plans WHERE id = ?')
    const deleteRun = store.db.prepare('DELETE FROM runs WHERE id = ? OR parent_run_id = ?')
    // One short transaction per run: the app (or a scheduled dvsync) can write in between, and
    // an interrupted prune leaves whole runs, never half of one. Items go with their run or plan
    // (ON DELETE CASCADE); plans first, or deleting the run would only unlink them.
    const pruneOne = store.db.transaction((runId: number) => {
      for (const planId of plansOf.get(runId) ?? []) deletePlan.run(planId)
      deleteRun.run(runId, runId)
    })
    for (const run of pruned) pruneOne(run.id)
  }
  return {
    dryRun: policy.dryRun ?? false,
    runs: pruned.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      environmentName: r.environment_name,
      table: r.table_name,
      startedAt: r.started_at
    })),
    items,
    plans,
    planItems,
    protectedRuns: candidates.length - pruned.length
  }
}
