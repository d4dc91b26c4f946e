import { accessSync, constants, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { columnChanges } from '../../app/pull-changes'
import { readPullProfile } from '../../app/pull-profile'
import { pullModeLabel } from '../../../src-shared/model/run'
import { exportFormatOf } from '../../sync/export-changes'
import {
  beginPendingExport,
  earlierRunsNote,
  exportPendingPullChanges
} from '../../sync/export-pending'
import { idNumber, wholeNumber } from '../numbers'
import { CliError } from '../exit-codes'
import { count, plural, textTable, commaList } from '../format'
import type { CommandContext } from '../main'

interface PullFlags {
  env?: string
  table?: string
  profile?: string
  columns?: string
  export?: string
  full?: boolean
  pageSize?: number
}

/**
 * The export file is checked before anything is pulled: once the mirror has moved on, a later
 * pull no longer returns these changes, so an export that can't be written must stop the pull.
 */
function checkExportTarget(file: string): void {
  try {
    exportFormatOf(file)
  } catch (err) {
    throw new CliError((err as Error).message)
  }
  const folder = dirname(resolve(file))
  try {
    if (!statSync(folder).isDirectory()) throw new Error('not a folder')
    accessSync(folder, constants.W_OK)
  } catch {
    throw new CliError(
      `--export ${file}: the folder ${folder} does not exist or can't be written; nothing was pulled.`
    )
  }
}

export function registerPull(program: Command, context: CommandContext): void {
  program
    .command('pull')
    .description(
      'Pull a table into the local mirror: everything the first time, then only what changed (without change tracking: every row, compared with the mirror).'
    )
    .option('--env <name>', 'environment (or from --profile)')
    .option('--table <logical>', 'table logical name (or from --profile)')
    .option('--profile <name>', 'a saved pull profile (dvsync profile save --kind pull)')
    .option(
      '--columns <a,b>',
      'columns to mirror (default: the profile’s, the mirror’s, or all readable columns)'
    )
    .option(
      '--export <file>',
      'also write the changes to FILE.csv or FILE.ndjson: every change since the last complete export'
    )
    .option('--full', 'ignore the stored delta token and compare every row')
    .option('--page-size <n>', 'rows per page (at most 5000)', wholeNumber('--page-size', 1, 5000))
    .action(async (flags: PullFlags) => {
      if (!flags.profile && (!flags.env || !flags.table))
        throw new CliError('Say what to pull: --env NAME --table LOGICAL, or --profile NAME.')
      if (flags.export) checkExportTarget(flags.export)
      const services = await context.services()
      // Flags given beside --profile override what it says, as with dvsync plan --profile.
      const saved = flags.profile ? readPullProfile(services.store, flags.profile) : undefined
      const envName = flags.env ?? saved!.environmentName
      const table = (flags.table ?? saved!.table).toLowerCase()
      const columns = flags.columns ? commaList(flags.columns) : saved?.columns
      const environment = services.environment(envName)
      // Before pulling: the table's first export then starts after its last completed pull,
      // and a pull killed once complete but before its file is written is not taken for
      // exported by the next one.
      if (flags.export) beginPendingExport(services.store, environment.id, table)
      const controller = new AbortController()
      const onSignal = (): void => {
        context.output.info('Stopping after the current page… (press Ctrl+C again to force)')
        controller.abort()
        process.once('SIGINT', () => process.exit(130))
      }
      process.once('SIGINT', onSignal)
      try {
        const result = await services.pullEngine(environment).run({
          environment,
          table,
          ...(columns ? { columns } : {}),
          ...(saved ? { profileName: saved.profileName } : {}),
          ...(flags.full ? { full: true } : {}),
          ...(flags.pageSize ? { maxPageSize: flags.pageSize } : {}),
          signal: controller.signal,
          onProgress: (p) => {
            const rate = p.elapsedMs > 0 ? Math.round((p.rows / p.elapsedMs) * 1000) : 0
            context.output.info(
              `${table} (${pullModeLabel(p.mode)}): ${plural(p.pages, 'page')}, ${plural(p.rows, 'row')} read — ${count(p.counts.created)} created, ${count(p.counts.updated)} updated, ${count(p.counts.deleted)} deleted — ${count(rate)} rows/s`
            )
          }
        })
        const exported = flags.export
          ? await exportPendingPullChanges(services.store, result.runId, flags.export).catch(
              (err: unknown) => {
                // The mirror has moved on: say where the changes are, or they'd look lost.
                throw new CliError(
                  `The pull finished (run ${result.runId}) but its changes could not be written to ${flags.export}: ${(err as Error).message}. They are kept, and the next pull --export includes them; or see them with: dvsync changes --env ${envName} --table ${result.table} --run ${result.runId} --json`,
                  1
                )
              }
            )
          : undefined
        const json = {
          runId: result.runId,
          table: result.table,
          mode: result.mode,
          created: result.created,
          updated: result.updated,
          deleted: result.deleted,
          unchanged: result.unchanged,
          requests: result.requests,
          durationMs: result.durationMs,
          export: exported
            ? {
                file: exported.file,
                format: exported.format,
                records: exported.records,
                // The pulls the file covers: earlier ones whose changes no export had yet
                // (killed or failed, or pulled without --export), then this one.
                runs: exported.runs,
                earlierRuns: exported.earlier
              }
            : null,
          ...(result.message ? { message: result.message } : {})
        }
        context.output.result(json, () =>
          [
            result.message ?? '',
            `Pulled ${result.table} (${pullModeLabel(result.mode)}, run ${result.runId}): ${count(result.created)} created, ${count(result.updated)} updated, ${count(result.deleted)} deleted in ${count(result.durationMs)} ms with ${plural(result.requests, 'request')}.`,
            exported
              ? `Exported ${plural(exported.records, 'change')} to ${exported.file}.${earlierRunsNote(exported, count)}`
              : ''
          ]
            .filter(Boolean)
            .join('\n')
        )
      } finally {
        process.removeListener('SIGINT', onSignal)
      }
    })

  program
    .command('changes')
    .description(
      'The records a pull changed, with before and after values per column (default: the latest pull).'
    )
    .requiredOption('--env <name>', 'environment')
    .requiredOption('--table <logical>', 'table logical name')
    .option(
      '--run <id>',
      'a pull run id (see dvsync runs)',
      idNumber('--run', 'a run', 'see dvsync runs --kind pull')
    )
    .action(async (flags: EnvTable & { run?: number }) => {
      const services = await context.services()
      const environment = services.environment(flags.env)
      const table = flags.table.toLowerCase()
      const run =
        flags.run !== undefined
          ? services.store.runs.get(flags.run)
          : services.store.runs.latestPullWithChanges(environment.id, table)
      if (
        !run ||
        run.kind !== 'pull' ||
        run.tableName !== table ||
        run.environmentId !== environment.id
      ) {
        throw new CliError(
          flags.run !== undefined
            ? `Run ${flags.run} is not a pull of ${table} in ${flags.env}.`
            : `No pull of ${table} in ${flags.env} yet. Run: dvsync pull --env ${flags.env} --table ${table}`
        )
      }
      const changes = [...services.store.runs.items(run.id)].map((item) => ({
        change: item.action,
        id: item.recordId,
        key: item.recordKey,
        columns: columnChanges(item)
      }))
      // Without --run, say which pull this is: the last one that changed something, which may
      // be the delta pull a plan or an apply made (issue 12, item 8).
      const which =
        flags.run === undefined && changes.length
          ? `Changes of pull ${run.id} (${run.mode}, ${run.startedAt}${run.parentRunId ? `, made for run ${run.parentRunId}` : ''}), the last pull of ${table} that changed something:\n`
          : ''
      context.output.result(
        {
          runId: run.id,
          table,
          mode: run.mode,
          startedAt: run.startedAt,
          partOf: run.parentRunId,
          changes
        },
        () =>
          which +
          (changes.length
            ? textTable(
                ['change', 'key', 'id', 'columns'],
                changes.map((c) => [
                  c.change,
                  c.key,
                  c.id,
                  Object.entries(c.columns)
                    .map(([col, v]) =>
                      c.change === 'updated'
                        ? `${col}: ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`
                        : col
                    )
                    .join('; ')
                    .slice(0, 160)
                ])
              )
            : `Pull ${run.id} (${run.mode}) changed nothing.`)
      )
    })
}

interface EnvTable {
  env: string
  table: string
}
