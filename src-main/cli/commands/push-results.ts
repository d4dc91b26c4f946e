import type { PlanItem } from '../../../src-shared/model/push'
import type { ApplyResult } from '../../sync/apply'
import { planItemView } from '../../sync/export-plan'
import type { PlanResult } from '../../sync/plan'
import type { Store } from '../../store/open'
import type { ItemFilter } from '../../store/repositories/plans'
import { massDeleteRefusal, writeSummary } from '../apply-confirm'
import { ExitCode } from '../exit-codes'
import { count, plural, textTable } from '../format'
import type { CommandContext } from '../main'
import { sampleLines } from './plan-show'

/**
 * What plan, push and apply print when they end: the plan's counts, warnings, sample diffs and
 * rows with errors; an apply's counts and every row or record it did not write (cli.md: exit 1
 * when any), as text for people and one JSON document for scripts.
 */

export function printPlan(
  context: CommandContext,
  store: Store,
  plan: PlanResult,
  exported?: string
): void {
  const c = plan.counts
  // The mass-delete guard, said when the plan is made, not only when its apply is refused.
  const stored = store.plans.get(plan.planId)!
  const guard = massDeleteRefusal(
    store,
    stored,
    store.environments.byId(stored.environmentId)?.name ?? '?'
  )
  context.output.result(
    {
      planId: plan.planId,
      creates: c.create,
      updates: c.update,
      unchanged: c.unchanged,
      deactivates: c.deactivate,
      deletes: c.delete,
      skipped: c.skip,
      errors: c.error,
      unmappedColumns: plan.unmapped,
      warnings: guard ? [...plan.warnings, guard] : plan.warnings,
      mapping: plan.settings.mapping,
      ...(exported ? { export: exported } : {}),
      // Script consumers get every item (cli.md); people get the summary and the command to go on.
      items: context.output.json ? [...store.plans.items(plan.planId)].map(planItemView) : []
    },
    () => {
      const writes = c.create + c.update + c.deactivate + c.delete
      const errors = [...store.plans.items(plan.planId, { actions: ['error'], limit: 10 })].map(
        (i) => `  ${i.error}`
      )
      const lines = [
        `Plan ${plan.planId}: ${writeSummary(c)}, ${count(c.unchanged)} unchanged, ${count(c.skip)} skipped, ${count(c.error)} with errors.`,
        plan.unmapped.length ? `Source columns not mapped: ${plan.unmapped.join(', ')}.` : '',
        ...plan.warnings.map((w) => `Warning: ${w}`),
        ...(guard ? [`Warning: ${guard}`] : []),
        ...(errors.length
          ? [
              'Rows with errors (they will not be applied):',
              ...errors,
              ...(c.error > errors.length
                ? [`  … and ${count(c.error - errors.length)} more (export the plan to see all).`]
                : [])
            ]
          : []),
        ...sampleLines(store, plan.planId),
        exported ? `Exported to ${exported}.` : '',
        writes
          ? `Review it (all of it: dvsync plan show ${plan.planId}), then apply it with: dvsync apply --plan ${plan.planId}`
          : 'Nothing to apply: Dataverse already matches the source.'
      ]
      return lines.filter(Boolean).join('\n')
    }
  )
  // Rows that can't be applied are records that failed, for a script (exit code 1, cli.md).
  if (c.error > 0) context.setExitCode(ExitCode.PartialFailure)
}

/** How many problems of each kind are listed in full; the rest are counted. */
const SHOWN = 5

/**
 * What an apply did not write, from the plan's journal: source rows with errors and rows
 * skipped (never sent), and records Dataverse refused or that conflicted. Each is named by its
 * source row and key with its message (the row error names its column), so a push never ends
 * with rows left out and nothing said (cli.md: a failed record is always reported).
 */
function notApplied(store: Store, planId: number) {
  const view = (i: PlanItem, message: string | null) => ({
    row: i.row,
    location: i.location,
    key: i.key,
    message: message ?? ''
  })
  const list = (filter: ItemFilter, message: (i: PlanItem) => string | null) =>
    [...store.plans.items(planId, { ...filter, limit: SHOWN })].map((i) => view(i, message(i)))
  const counts = store.plans.outcomeCounts(planId)
  const sum = (outcome: string) =>
    Object.entries(counts)
      .filter(([k]) => k.endsWith(`:${outcome}`))
      .reduce((n, [, c]) => n + c, 0)
  const plan = store.plans.get(planId)!
  return {
    errorRows: plan.counts.error ?? 0,
    skippedRows: plan.counts.skip ?? 0,
    failedRecords: sum('failed'),
    conflicts: sum('conflict'),
    errors: list({ actions: ['error'] }, (i) => i.error),
    skips: list({ actions: ['skip'] }, (i) => i.error),
    failures: list({ actions: WRITES, outcomes: ['failed'] }, (i) => i.outcomeMessage),
    conflicting: list({ actions: WRITES, outcomes: ['conflict'] }, (i) => i.outcomeMessage)
  }
}

const WRITES = ['create', 'update', 'deactivate', 'delete'] as const

export function printApply(context: CommandContext, store: Store, r: ApplyResult): void {
  const left = notApplied(store, r.planId)
  const json = {
    runId: r.runId,
    planId: r.planId,
    created: r.created,
    updated: r.updated,
    deactivated: r.deactivated,
    deleted: r.deleted,
    failed: r.failed,
    conflicts: r.conflicts,
    skipped: r.skipped,
    alreadyApplied: r.alreadyApplied,
    errorRows: left.errorRows,
    skippedRows: left.skippedRows,
    requests: r.requests,
    retries: r.retries,
    durationMs: r.durationMs,
    notApplied: {
      errors: left.errors,
      skipped: left.skips,
      failed: left.failures,
      conflicts: left.conflicting
    }
  }
  const section = (
    title: string,
    total: number,
    items: ReturnType<typeof notApplied>['errors']
  ): string[] =>
    total === 0
      ? []
      : [
          `${title}:`,
          // A row error already begins with "Row N (line …)"; a write's answer gets it here.
          ...items.map((i) =>
            /^Row \d+/.test(i.message)
              ? `  ${i.message}`
              : `  ${i.row !== null ? `Row ${i.row}${i.location ? ` (${i.location})` : ''}, ` : ''}key ${i.key ?? '?'}: ${i.message}`
          ),
          ...(total > items.length ? [`  … and ${count(total - items.length)} more.`] : [])
        ]
  context.output.result(json, () =>
    [
      textTable(
        [
          'created',
          'updated',
          'deactivated',
          'deleted',
          'failed',
          'conflicts',
          'skipped',
          'already applied',
          'requests',
          'ms'
        ],
        [
          [
            r.created,
            r.updated,
            r.deactivated,
            r.deleted,
            r.failed,
            r.conflicts,
            r.skipped,
            r.alreadyApplied,
            r.requests,
            r.durationMs
          ]
        ]
      ),
      ...section(
        `${plural(left.errorRows, 'source row')} with errors, not applied`,
        left.errorRows,
        left.errors
      ),
      ...section(`${plural(left.skippedRows, 'source row')} skipped`, left.skippedRows, left.skips),
      ...section(
        `${plural(left.failedRecords, 'record')} Dataverse refused`,
        left.failedRecords,
        left.failures
      ),
      ...section(
        `${plural(left.conflicts, 'conflict')} (not overwritten)`,
        left.conflicts,
        left.conflicting
      ),
      left.errorRows || left.skippedRows || left.failedRecords || left.conflicts
        ? `Not everything was applied; see: dvsync report ${r.runId} --out run-${r.runId}.html, or export the plan.`
        : ''
    ]
      .filter(Boolean)
      .join('\n')
  )
  // Rows that could not be applied are records that failed, for a script (exit code 1, cli.md).
  if (r.failed || r.conflicts || left.errorRows || left.failedRecords || left.conflicts)
    context.setExitCode(ExitCode.PartialFailure)
}
