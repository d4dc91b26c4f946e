import type { PlanAction, PlanSummary } from '../../src-shared/model/push'
import type { Store } from '../store/open'
import { DEFAULT_MAX_DELETE_PERCENT, newerPlanOf, removalsOver } from '../sync/apply-guards'
import { confirmWrite } from './confirm'
import { CliError } from './exit-codes'
import { count, plural } from './format'
import { wholeNumber } from './numbers'

/**
 * What `apply` and `push` check before a plan is written (issue 12, item 5): the plan named with
 * its environment, table and counts, a yes (--yes, or typed), a warning when a newer plan of the
 * same table exists, and a guard against deleting or deactivating much of a table that --yes
 * alone does not pass: a broken export (a truncated file, the wrong sheet) with missing records
 * set to delete would otherwise empty the table from a scheduled job.
 */

export const MAX_DELETE_FLAG = '--max-delete-percent'

export const maxDeletePercent = wholeNumber(MAX_DELETE_FLAG, 0, 100)

export const MAX_DELETE_HELP = `most records a write may delete or deactivate, as a percentage of the table's records (default ${DEFAULT_MAX_DELETE_PERCENT}; --yes alone does not pass this)`

export function writeSummary(counts: Record<PlanAction, number>): string {
  return [
    `${count(counts.create)} creates`,
    `${count(counts.update)} updates`,
    `${count(counts.deactivate)} deactivations`,
    `${count(counts.delete)} deletions`
  ].join(', ')
}

export const writesOf = (c: Record<PlanAction, number>): number =>
  c.create + c.update + c.deactivate + c.delete

/**
 * Why a plan may not be applied without a higher --max-delete-percent, or undefined: it would
 * delete or deactivate more than `maxPercent` of the table's records (sync/apply-guards.ts).
 */
export function massDeleteRefusal(
  store: Store,
  plan: PlanSummary,
  environment: string,
  maxPercent = DEFAULT_MAX_DELETE_PERCENT
): string | undefined {
  const over = removalsOver(store, plan, maxPercent)
  if (!over) return undefined
  return `Plan ${plan.planId} would delete or deactivate ${count(over.count)} of the ${plural(over.records, `${plan.table} record`)} in ${environment} (${Math.round(over.percent)}%), more than the ${maxPercent}% allowed. Check the source file and its missing-records setting; if this is meant, add ${MAX_DELETE_FLAG} ${Math.ceil(over.percent)}.`
}

/** The same, as a usage error (exit 2): nothing is sent. */
export function checkMassDelete(
  store: Store,
  plan: PlanSummary,
  environment: string,
  maxPercent = DEFAULT_MAX_DELETE_PERCENT
): void {
  const refusal = massDeleteRefusal(store, plan, environment, maxPercent)
  if (refusal) throw new CliError(refusal)
}

/** A warning when a newer plan exists for the same table, or undefined. */
export function newerPlanWarning(
  store: Store,
  plan: PlanSummary,
  environment: string
): string | undefined {
  const newer = newerPlanOf(store, plan)
  if (!newer) return undefined
  const at = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`
  return `Plan ${newer.planId} for ${plan.table} in ${environment} is newer (made ${at(newer.createdAt)}, ${newer.status}); plan ${plan.planId} shows the records as they were at ${at(plan.createdAt)}. Apply the newer plan, or plan again, unless this older one is what you mean.`
}

/**
 * All of the checks, in order: the guard, the newer-plan warning (through `warn`), then the yes.
 * Returns whether to go ahead; a plan with nothing to write needs no yes.
 */
export async function confirmApply(options: {
  store: Store
  plan: PlanSummary
  environment: string
  yes: boolean | undefined
  maxDeletePercent: number | undefined
  warn: (line: string) => void
}): Promise<boolean> {
  const { store, plan, environment } = options
  const writes = writesOf(plan.counts)
  if (writes === 0) return true
  checkMassDelete(store, plan, environment, options.maxDeletePercent)
  const newer = newerPlanWarning(store, plan, environment)
  if (newer) options.warn(`Warning: ${newer}`)
  const what = `plan ${plan.planId} to ${plan.table} in ${environment}: ${writeSummary(plan.counts)}`
  return confirmWrite({
    yes: options.yes,
    question: `Apply ${what}?`,
    refusal: `Nothing was written. Applying ${what} needs a yes: add --yes to apply without asking.`
  })
}
