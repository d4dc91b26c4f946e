import type { Command } from 'commander'
import type { PlanItem } from '../../../src-shared/model/push'
import { openPushSource } from '../../app/push-source'
import { describeSource } from '../../sources/index'
import type { ApplyResult } from '../../sync/apply'
import { exportPlan, planItemView } from '../../sync/export-plan'
import type { PlanResult } from '../../sync/plan'
import type { Store } from '../../store/open'
import type { ItemFilter } from '../../store/repositories/plans'
import {
  confirmApply,
  massDeleteRefusal,
  MAX_DELETE_FLAG,
  MAX_DELETE_HELP,
  maxDeletePercent,
  writesOf,
  writeSummary
} from '../apply-confirm'
import { CliError, ExitCode } from '../exit-codes'
import { count, plural, textTable, commaList } from '../format'
import type { CommandContext } from '../main'
import { idNumber } from '../numbers'
import { registerPlanShow, sampleLines } from './plan-show'
import { addPushOptions, BATCH, DOP, resolvePush, type PushFlags } from './push-options'

interface ApplyFlags {
  plan: number
  exclude?: string
  batch?: number
  dop?: number
  force?: boolean
  strategy?: 'auto' | 'bulk' | 'batch' | 'single'
  yes?: boolean
  maxDeletePercent?: number
}

const rows = (text: string | undefined): number[] =>
  commaList(text ?? '').map((r) => {
    const n = Number(r)
    if (!Number.isInteger(n) || n < 1)
      throw new CliError(`--exclude takes source row numbers (e.g. 3,17), not '${r}'.`)
    return n
  })

export function registerPush(program: Command, context: CommandContext): void {
  const plan = addPushOptions(program.command('plan'))
    .description('Compute and store a plan (preview) of a push without writing to Dataverse.')
    .option('--export <file>', 'also write the plan to FILE.csv or FILE.json')
    // `plan show` makes this a group with its own action, so it takes the options main.ts gives
    // to leaf commands (as `runs` does next to `runs prune`).
    .option('--json', 'print one JSON document on stdout; progress goes to stderr')
    .option(
      '--data-dir <dir>',
      'data folder (default: DVSYNC_DATA_DIR or the desktop app’s folder)'
    )
    .action(async (flags: PushFlags & { export?: string }) => {
      const { plan, services } = await runPlan(context, flags)
      const exported = flags.export
        ? await exportPlan(services.store, plan.planId, flags.export)
        : undefined
      printPlan(context, services.store, plan, exported?.file)
    })
  registerPlanShow(plan, context)

  program
    .command('apply')
    .description(
      'Apply a stored plan; records changed in Dataverse since the plan are reported as conflicts.'
    )
    .requiredOption(
      '--plan <id>',
      'plan id (from dvsync plan)',
      idNumber('--plan', 'a plan', 'dvsync plan prints the id of the plan it made')
    )
    .option('--exclude <rows>', 'source rows to leave out, e.g. 3,17')
    .option('--batch <n>', 'records per request, 1–1000', BATCH)
    .option('--dop <n>', 'most requests at once, 1–64', DOP)
    .option('--force', 'overwrite records that changed since the plan')
    .option('--strategy <kind>', 'auto, bulk, batch or single')
    .option('--yes', 'apply without asking')
    .option(`${MAX_DELETE_FLAG} <n>`, MAX_DELETE_HELP, maxDeletePercent)
    .action(async (flags: ApplyFlags) => {
      const services = await context.services()
      const { plan, environment } = planToApply(services.store, flags.plan)
      const go = await confirmApply({
        store: services.store,
        plan,
        environment: environment.name,
        yes: flags.yes,
        maxDeletePercent: flags.maxDeletePercent,
        warn: (line) => context.output.info(line)
      })
      if (!go) {
        context.output.result({ planId: plan.planId, applied: false }, () => 'Not applied.')
        return
      }
      const result = await runApply(context, flags)
      printApply(context, services.store, result)
    })

  addPushOptions(program.command('push'))
    .description('plan + apply in one go; asks before writing unless --yes.')
    .option('--yes', 'apply without asking')
    .option('--force', 'overwrite records that changed since the plan')
    .option('--exclude <rows>', 'source rows to leave out, e.g. 3,17')
    .option(`${MAX_DELETE_FLAG} <n>`, MAX_DELETE_HELP, maxDeletePercent)
    .action(
      async (
        flags: PushFlags & {
          yes?: boolean
          force?: boolean
          exclude?: string
          maxDeletePercent?: number
        }
      ) => {
        const { plan, environment, services } = await runPlan(context, flags)
        if (writesOf(plan.counts) === 0) {
          printPlan(context, services.store, plan)
          return
        }
        const stored = services.store.plans.get(plan.planId)!
        const go = await confirmApply({
          store: services.store,
          plan: stored,
          environment,
          yes: flags.yes,
          maxDeletePercent: flags.maxDeletePercent,
          warn: (line) => context.output.info(line)
        })
        if (!go) {
          printPlan(context, services.store, plan)
          return
        }
        printApply(
          context,
          services.store,
          await runApply(context, {
            plan: plan.planId,
            ...(flags.exclude ? { exclude: flags.exclude } : {}),
            ...(flags.force ? { force: true } : {})
          })
        )
      }
    )
}

/** The stored plan and its environment, or a usage error saying what to do. */
function planToApply(store: Store, planId: number) {
  const plan = store.plans.get(planId)
  if (!plan)
    throw new CliError(
      `There is no plan ${planId}. Make one with: dvsync plan --env NAME --table T --source FILE`
    )
  const environment = store.environments.byId(plan.environmentId)
  if (!environment) throw new CliError(`Plan ${planId} belongs to an environment that was removed.`)
  return { plan, environment }
}

async function runPlan(context: CommandContext, flags: PushFlags) {
  const services = await context.services()
  const resolved = resolvePush(services, flags)
  const environment = services.environment(resolved.environmentName)
  const source = await openPushSource(services, resolved.source)
  // Which encoding the file is read in, and any doubt about it, before the rows are judged.
  for (const line of describeSource(resolved.source.file, await source.describe()))
    context.output.info(line)
  const plan = await services.planEngine(environment).run({
    environment,
    settings: resolved.settings,
    source,
    ...(flags.profile ? { profileName: flags.profile } : {}),
    onProgress: (p) => context.output.info(`Planned ${plural(p.rows, 'row')}…`)
  })
  return { plan, services, environment: environment.name }
}

async function runApply(context: CommandContext, flags: ApplyFlags): Promise<ApplyResult> {
  const services = await context.services()
  const { environment } = planToApply(services.store, flags.plan)
  const controller = new AbortController()
  const cancel = (): void => {
    context.output.info('Stopping after the requests in flight… (Ctrl+C again to force)')
    controller.abort()
    process.once('SIGINT', () => process.exit(130))
  }
  process.once('SIGINT', cancel)
  try {
    return await services.applyEngine(environment).run({
      environment,
      planId: flags.plan,
      ...(flags.exclude ? { exclude: rows(flags.exclude) } : {}),
      ...(flags.batch ? { batchSize: flags.batch } : {}),
      ...(flags.dop ? { parallelism: flags.dop } : {}),
      ...(flags.force ? { force: true } : {}),
      ...(flags.strategy ? { strategy: flags.strategy } : {}),
      signal: controller.signal,
      onWait: (message) => context.output.info(message),
      onProgress: (p) =>
        context.output.info(
          `Applied ${count(p.done)}/${count(p.total)} — ${count(p.ratePerSecond)} records/s${p.etaSeconds !== null && p.done < p.total ? `, about ${p.etaSeconds} s left` : ''}${p.throttleWaitMs ? `, ${count(Math.round(p.throttleWaitMs / 1000))} s throttled` : ''}`
        )
    })
  } finally {
    process.removeListener('SIGINT', cancel)
  }
}

function printPlan(
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

function printApply(context: CommandContext, store: Store, r: ApplyResult): void {
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
