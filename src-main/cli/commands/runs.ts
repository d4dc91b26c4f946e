import type { Command } from 'commander'
import type { RunKind, RunStatus } from '../../../src-shared/model/run'
import {
  compareRuns,
  HistoryError,
  listRuns,
  MAX_LIST,
  pruneRuns,
  type HistoryRun,
  type PruneResult
} from '../../history/index'
import { wholeNumber } from '../numbers'
import { CliError } from '../exit-codes'
import { count, plural, textTable } from '../format'
import type { CommandContext } from '../main'

interface RunsFlags {
  limit?: number
  kind?: RunKind
  env?: string
  table?: string
  status?: RunStatus
  profile?: string
  since?: string
  until?: string
}

const positive = (flag: string, max?: number, min = 1) => wholeNumber(flag, min, max)

const runId =
  (what: string) =>
  (v: string): number =>
    positive(what)(v)

/** The history's refusals (unknown kind, bad date, runs that can't be compared) are bad input. */
function usage<T>(work: () => T): T {
  try {
    return work()
  } catch (err) {
    if (err instanceof HistoryError) throw new CliError(err.message)
    throw err
  }
}

const short = (iso: string | null): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')}` : '')
const seconds = (ms: number | null): string => (ms === null ? '' : (ms / 1000).toFixed(1))

function runsTable(runs: HistoryRun[]): string {
  return textTable(
    [
      'run',
      'plan',
      'kind',
      'mode',
      'status',
      'environment',
      'table',
      'started (UTC)',
      's',
      'created',
      'updated',
      'deactivated',
      'deleted',
      'failed',
      'conflicts',
      'requests'
    ],
    runs.map((r) => [
      r.id,
      // The plan a plan run made or an apply applied: what dvsync apply --plan and plan show take.
      r.planId,
      r.kind,
      r.mode,
      r.status,
      r.environmentName,
      r.table,
      short(r.startedAt),
      seconds(r.durationMs),
      r.counts.created,
      r.counts.updated,
      r.counts.deactivated,
      r.counts.deleted,
      r.counts.failed,
      r.counts.conflicts,
      r.figures.requests
    ])
  )
}

export function registerRuns(program: Command, context: CommandContext): void {
  const runs = program
    .command('runs')
    .description(
      'The run history (newest first): pulls, plans, applies and undos with their counts and figures.'
    )
    .option(
      '--limit <n>',
      `runs to list, 1–${MAX_LIST} (default 50)`,
      positive('--limit', MAX_LIST)
    )
    .option('--kind <kind>', 'only pull, plan, apply or undo runs')
    .option('--env <name>', 'only runs in this environment')
    .option('--table <logical>', 'only runs of this table')
    .option('--status <status>', 'only completed, failed, cancelled, interrupted or running runs')
    .option('--profile <name>', 'only runs of this profile')
    .option('--since <date>', 'only runs started at or after this date/time (ISO, e.g. 2025-01-31)')
    .option('--until <date>', 'only runs started before this date/time')
    // The group has its own action, so it takes the options main.ts gives to leaf commands.
    .option('--json', 'print one JSON document on stdout; progress goes to stderr')
    .option(
      '--data-dir <dir>',
      'data folder (default: DVSYNC_DATA_DIR or the desktop app’s folder)'
    )
    .action(async (flags: RunsFlags) => {
      const services = await context.services()
      const list = usage(() =>
        listRuns(services.store, {
          ...(flags.kind ? { kind: flags.kind } : {}),
          ...(flags.env ? { environment: flags.env } : {}),
          ...(flags.table ? { table: flags.table.toLowerCase() } : {}),
          ...(flags.status ? { status: flags.status } : {}),
          ...(flags.profile ? { profile: flags.profile } : {}),
          ...(flags.since ? { from: flags.since } : {}),
          ...(flags.until ? { to: flags.until } : {}),
          limit: flags.limit ?? 50
        })
      )
      context.output.result({ runs: list }, () =>
        list.length
          ? `${runsTable(list)}\nA run's report: dvsync report RUN_ID --format csv|json|html|pdf --out FILE`
          : 'No runs match.'
      )
    })

  runs
    .command('prune')
    .description(
      'Delete old runs and their records (never mirrors, delta links, pending plans or sign-ins).'
    )
    .option('--older-than <days>', 'prune runs started more than DAYS days ago', (v: string) =>
      positive('--older-than', 100_000, 0)(v)
    )
    .option(
      '--keep <n>',
      'keep the newest N runs of each kind per table (with --older-than: old runs beyond the newest N)',
      (v: string) => positive('--keep', 1_000_000, 0)(v)
    )
    .option('--dry-run', 'only say what would be pruned')
    .action(async (flags: { olderThan?: number; keep?: number; dryRun?: boolean }) => {
      if (flags.olderThan === undefined && flags.keep === undefined)
        throw new CliError('Say what to prune: --older-than DAYS, --keep N, or both.')
      const services = await context.services()
      const result = usage(() =>
        pruneRuns(services.store, {
          ...(flags.olderThan !== undefined ? { olderThanDays: flags.olderThan } : {}),
          ...(flags.keep !== undefined ? { keep: flags.keep } : {}),
          dryRun: flags.dryRun ?? false
        })
      )
      context.output.result({ ...result, pruned: result.runs.length }, () => pruneText(result))
    })

  runs
    .command('compare')
    .description('Compare two runs of the same table or profile: counts, figures, records.')
    .argument('<a>', 'a run id', runId('The first run id'))
    .argument('<b>', 'another run id', runId('The second run id'))
    .option('--limit <n>', 'differing records to list (default 50)', positive('--limit', 10_000))
    .action(async (a: number, b: number, flags: { limit?: number }) => {
      const services = await context.services()
      const result = usage(() => compareRuns(services.store, a, b, { limit: flags.limit ?? 50 }))
      context.output.result(result, () =>
        [
          textTable(
            ['', `run ${a}`, `run ${b}`, 'change'],
            [...result.counts, ...result.figures]
              .filter((row) => row.a || row.b)
              .map((row) => [row.name, row.a, row.b, row.delta])
          ),
          `Records: ${count(result.records.onlyInA)} only in run ${a}, ${count(result.records.onlyInB)} only in run ${b}, ${count(result.records.different)} different.`,
          ...result.records.items.map(
            (d) =>
              `  ${d.record}: ${d.a ? `${d.a.action}${d.a.outcome ? `/${d.a.outcome}` : ''}` : '—'} → ${d.b ? `${d.b.action}${d.b.outcome ? `/${d.b.outcome}` : ''}` : '—'}${d.columns.length ? ` (${d.columns.join(', ')})` : ''}`
          ),
          result.records.truncated ? '  … (more with --limit, or --json)' : ''
        ]
          .filter(Boolean)
          .join('\n')
      )
    })
}

function pruneText(result: PruneResult): string {
  const verb = result.dryRun ? 'Would prune' : 'Pruned'
  if (result.runs.length === 0)
    return `Nothing to prune.${result.protectedRuns ? ` (${plural(result.protectedRuns, 'run')} kept: still running, or a plan not applied yet.)` : ''}`
  const lines = [
    `${verb} ${plural(result.runs.length, 'run')} with ${plural(result.items, 'record')}, and ${plural(result.plans.length, 'applied plan')} with ${plural(result.planItems, 'item')}.`,
    ...result.runs
      .slice(0, 20)
      .map(
        (r) =>
          `  run ${r.id}: ${r.kind} of ${r.table ?? '—'} in ${r.environmentName ?? '—'}, ${short(r.startedAt)} (${r.status})`
      ),
    result.runs.length > 20
      ? `  … and ${count(result.runs.length - 20)} more (--json lists all)`
      : '',
    result.protectedRuns
      ? `Kept ${plural(result.protectedRuns, 'run')} that matched: still running, or a plan not applied yet.`
      : '',
    'Mirrors, delta links, environments, profiles and sign-ins were not touched.'
  ]
  return lines.filter(Boolean).join('\n')
}
