import type { Command } from 'commander'
import { planUndo } from '../../app/undo'
import { confirmWrite } from '../confirm'
import { CliError, ExitCode } from '../exit-codes'
import { count } from '../format'
import type { CommandContext } from '../main'

/** `dvsync undo RUN_ID [--yes]`: plans and applies the reverse of a push run (cli.md). */
export function registerUndo(program: Command, context: CommandContext): void {
  program
    .command('undo <runId>')
    .description(
      'Plan and apply the reverse of a push run; records edited since are left alone and reported.'
    )
    .option('--yes', 'apply without asking')
    .option('--created <what>', 'records the run created: delete (default) or deactivate', 'delete')
    .option('--plan-only', 'only plan the undo (apply it later with dvsync apply --plan ID)')
    .action(
      async (runText: string, flags: { yes?: boolean; created: string; planOnly?: boolean }) => {
        const runId = Number(runText)
        if (!Number.isInteger(runId) || runId < 1)
          throw new CliError(`'${runText}' is not a run id; list runs with dvsync runs.`)
        if (flags.created !== 'delete' && flags.created !== 'deactivate')
          throw new CliError(`--created must be delete or deactivate (got '${flags.created}').`)
        const services = await context.services()
        const { plan, environment } = await planUndo(services, runId, flags.created)
        const c = plan.counts
        const summary = `${count(c.delete)} deletions, ${count(c.update)} restores, ${count(c.deactivate)} deactivations, ${count(c.create)} re-creations; ${count(c.error)} records can't be reverted`
        const writes = c.delete + c.update + c.deactivate + c.create
        if (flags.planOnly || writes === 0) {
          context.output.result(
            { planId: plan.planId, ...c },
            () =>
              `Undo plan ${plan.planId} for run ${runId}: ${summary}.${writes ? ` Apply it with: dvsync apply --plan ${plan.planId}` : ''}`
          )
          if (c.error) context.setExitCode(ExitCode.PartialFailure)
          return
        }
        const go = await confirmWrite({
          yes: flags.yes,
          question: `Undo run ${runId} in ${environment.name}: ${summary}. Go ahead?`,
          refusal: `Undo of run ${runId} would make ${summary} in ${environment.name}; add --yes to go ahead.`
        })
        if (!go) return
        const result = await services
          .applyEngine(environment)
          .run({ environment, planId: plan.planId })
        context.output.result(
          { ...result, undoPlanId: plan.planId, undoes: runId, notReverted: c.error },
          () =>
            `Undid run ${runId} (undo run ${result.runId}): ${result.deleted} deleted, ${result.updated} restored, ${result.deactivated} deactivated, ${result.created} re-created; ${result.conflicts} conflicts, ${result.failed} failed, ${c.error} not revertible.`
        )
        if (result.failed || result.conflicts || c.error)
          context.setExitCode(ExitCode.PartialFailure)
      }
    )
}
