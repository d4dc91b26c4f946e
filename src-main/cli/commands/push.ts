import type { Command } from 'commander'
import { openPushSource } from '../../app/push-source'
import { describeSource } from '../../sources/index'
import type { ApplyResult } from '../../sync/apply'
import { exportPlan } from '../../sync/export-plan'
import type { Store } from '../../store/open'
import {
  confirmApply,
  MAX_DELETE_FLAG,
  MAX_DELETE_HELP,
  maxDeletePercent,
  writesOf
} from '../apply-confirm'
import { CliError } from '../exit-codes'
import { count, plural, commaList } from '../format'
import type { CommandContext } from '../main'
import { idNumber } from '../numbers'
import { registerPlanShow } from './plan-show'
import { printApply, printPlan } from './push-results'
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
