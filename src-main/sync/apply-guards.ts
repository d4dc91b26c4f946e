import type { PlanSummary } from '../../src-shared/model/push'
import type { Store } from '../store/open'

/**
 * What the CLI and the app check before a plan is written (issue 12, item 5), in one place: how
 * much of the table it would delete or deactivate, and whether a newer plan of the table exists.
 */

/** The share of a table's records one write may delete or deactivate unless told more. */
export const DEFAULT_MAX_DELETE_PERCENT = 10

export interface Removals {
  /** Deletes plus deactivations the plan would write. */
  count: number
  /** The table's records: those mirrored (the plan brought the mirror up to date), or, when more, those the plan matched. */
  records: number
  percent: number
}

export function removalsOf(store: Store, plan: PlanSummary): Removals | undefined {
  const c = plan.counts
  const count = c.delete + c.deactivate
  if (count === 0) return undefined
  const matched = c.update + c.unchanged + c.delete + c.deactivate
  const records = Math.max(
    store.mirrors.find(plan.environmentId, plan.table)?.rowCount ?? 0,
    matched
  )
  return { count, records, percent: (count / records) * 100 }
}

/** Removals above `maxPercent`: a yes alone is not enough for them. */
export function removalsOver(
  store: Store,
  plan: PlanSummary,
  maxPercent = DEFAULT_MAX_DELETE_PERCENT
): Removals | undefined {
  const removals = removalsOf(store, plan)
  return removals && removals.percent > maxPercent ? removals : undefined
}

/** The newest plan of the same environment and table made after this one, if any. */
export function newerPlanOf(store: Store, plan: PlanSummary): PlanSummary | undefined {
  return store.plans.newerThan(plan.planId)
}
