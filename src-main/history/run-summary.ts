import type { RunKind, RunRecord, RunStatus } from '../../src-shared/model/run'

/**
 * One run as history, reports and charts show it: the journal's record with the counts of every
 * kind of run under the same names (issue 6: created, updated, deactivated, deleted, unchanged,
 * failed, conflicts, skipped), its request figures, and its duration.
 */

export const COUNT_NAMES = [
  'created',
  'updated',
  'deactivated',
  'deleted',
  'unchanged',
  'failed',
  'conflicts',
  'skipped',
  'alreadyApplied'
] as const
export type CountName = (typeof COUNT_NAMES)[number]
export type RunCounts = Record<CountName, number>

export const FIGURE_NAMES = [
  'requests',
  'retries',
  'throttled',
  'throttleWaitMs',
  'failures',
  'totalRequestMs',
  'maxRequestMs',
  'bytesReceived'
] as const
export type FigureName = (typeof FIGURE_NAMES)[number]
export type RunFigures = Record<FigureName, number>

export interface HistoryRun {
  id: number
  kind: RunKind
  /** pull: initial | delta | resync | compare; plan and apply: upsert | create | update. */
  mode: string | null
  status: RunStatus
  environmentId: number | null
  environmentName: string | null
  table: string | null
  profile: string | null
  /** Who the run acted as (account, app registration or token origin). */
  account: string | null
  startedAt: string
  finishedAt: string | null
  /** From start to finish; null while a run is still going. */
  durationMs: number | null
  counts: RunCounts
  figures: RunFigures
  /** Records the run changed or reported on: every count but unchanged. */
  records: number
  /** failed + conflicts: what an admin has to look at. */
  problems: number
  /** The plan a plan run made, or the plan an apply applied. */
  planId: number | null
  message: string | null
}

const PLAN_COUNTS: Partial<Record<string, CountName>> = {
  create: 'created',
  update: 'updated',
  deactivate: 'deactivated',
  delete: 'deleted',
  unchanged: 'unchanged',
  skip: 'skipped',
  // A row that can't be applied is a failure of the push, found before anything was sent.
  error: 'failed'
}

/**
 * Plan and undo runs propose changes: their records are the items of the plan they made (an undo
 * is a plan that reverts an apply), and their counts are a plan's (create, update, error…).
 */
export const isPlanLike = (kind: RunKind): boolean => kind === 'plan' || kind === 'undo'

/** The engine's counts under the common names: a plan says what it proposes ('create' → created). */
export function normaliseCounts(kind: RunKind, recorded: Record<string, number>): RunCounts {
  const counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as RunCounts
  for (const [name, value] of Object.entries(recorded)) {
    const target = isPlanLike(kind)
      ? PLAN_COUNTS[name]
      : (COUNT_NAMES as readonly string[]).includes(name)
        ? (name as CountName)
        : undefined
    if (target && typeof value === 'number' && Number.isFinite(value)) counts[target] += value
  }
  return counts
}

export function normaliseFigures(recorded: Record<string, number>): RunFigures {
  const figures = Object.fromEntries(FIGURE_NAMES.map((n) => [n, 0])) as RunFigures
  for (const name of FIGURE_NAMES) {
    const value = recorded[name]
    if (typeof value === 'number' && Number.isFinite(value)) figures[name] = value
  }
  return figures
}

export function durationOf(run: Pick<RunRecord, 'startedAt' | 'finishedAt'>): number | null {
  if (!run.finishedAt) return null
  const ms = Date.parse(run.finishedAt) - Date.parse(run.startedAt)
  return Number.isFinite(ms) ? Math.max(0, ms) : null
}

export function summariseRun(run: RunRecord, planIdOfPlanRun?: number | null): HistoryRun {
  const counts = normaliseCounts(run.kind, run.counts)
  const planId =
    typeof run.details['planId'] === 'number' ? run.details['planId'] : (planIdOfPlanRun ?? null)
  return {
    id: run.id,
    kind: run.kind,
    mode: run.mode,
    status: run.status,
    environmentId: run.environmentId,
    environmentName: run.environmentName,
    table: run.tableName,
    profile: run.profileName,
    account: run.account,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: durationOf(run),
    counts,
    figures: normaliseFigures(run.figures),
    records: COUNT_NAMES.filter((n) => n !== 'unchanged').reduce((sum, n) => sum + counts[n], 0),
    problems: counts.failed + counts.conflicts,
    planId,
    message: run.message
  }
}
