import type { PushSettings } from '../../src-shared/model/push'
import { getRun } from '../history/list'
import { isPlanLike, type HistoryRun } from '../history/run-summary'
import { figuresOverTime } from '../history/trend'
import type { Store } from '../store/open'
import { REPORT_VERSION, type ReportSettings, type RunReport, type RunReportHeader } from './model'
import { readRecords, recordTotals } from './records'

export class UnknownRunError extends Error {
  override name = 'UnknownRunError'
}

/**
 * The report of one run: its header now, its records when a renderer asks for them. Only what
 * the journal holds about the sync goes in — names, counts, figures, values — never settings
 * outside the push's own (no URLs with secrets, no tokens: the store has none to give).
 */
export function openRunReport(
  store: Store,
  runId: number,
  options: { now?: Date; trendLength?: number } = {}
): RunReport {
  const run = getRun(store, runId)
  if (!run) throw new UnknownRunError(`There is no run ${runId}. List the runs with: dvsync runs`)
  const record = store.runs.get(runId)!
  const push = pushSettingsOf(store, run, record.details)
  const columns = columnsOf(run, record.details, push)
  const header: RunReportHeader = {
    version: REPORT_VERSION,
    generator: 'Dataverse Sync Studio',
    generatedAt: (options.now ?? new Date()).toISOString(),
    run: {
      id: run.id,
      kind: run.kind,
      mode: run.mode,
      status: run.status,
      environment: run.environmentName,
      table: run.table,
      profile: run.profile,
      account: run.account,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      message: run.message,
      planId: run.planId
    },
    counts: run.counts,
    recordedCounts: { ...record.counts },
    figures: { ...run.figures, durationMs: run.durationMs },
    recordCounts: recordTotals(store, run),
    columns,
    settings: settingsOf(run, record.details, push),
    trend:
      run.table === null
        ? []
        : figuresOverTime(store, {
            kind: run.kind,
            table: run.table,
            ...(run.environmentId !== null ? { environmentId: run.environmentId } : {}),
            beforeId: run.id + 1,
            limit: options.trendLength ?? 12
          })
  }
  return {
    header,
    records: (query) =>
      readRecords(store, { run, columns: run.kind === 'pull' ? columns : [] }, query)
  }
}

/** The push settings of a plan run (its details) or an apply (its plan's, while it is kept). */
function pushSettingsOf(
  store: Store,
  run: HistoryRun,
  details: Record<string, unknown>
): PushSettings | null {
  if (isPlanLike(run.kind) && details['settings']) return details['settings'] as PushSettings
  if (run.planId !== null) return store.plans.get(run.planId)?.settings ?? null
  return null
}

function columnsOf(
  run: HistoryRun,
  details: Record<string, unknown>,
  push: PushSettings | null
): string[] {
  if (run.kind === 'pull') {
    const columns = details['columns']
    return Array.isArray(columns) ? columns.filter((c): c is string => typeof c === 'string') : []
  }
  if (!push) return []
  const mapped = push.mapping.map((m) => m.target.toLowerCase())
  // Deactivating the records missing from the source sets their state and status.
  if (push.missing === 'deactivate') mapped.push('statecode', 'statuscode')
  return [...new Set(mapped)]
}

function settingsOf(
  run: HistoryRun,
  details: Record<string, unknown>,
  push: PushSettings | null
): ReportSettings | null {
  if (run.kind === 'pull') {
    return {
      mapping: columnsOf(run, details, null).map((column) => ({
        source: null,
        column,
        lookup: null
      })),
      key: null,
      pushMode: null,
      missing: null,
      batchSize: null,
      strategy: null,
      force: null,
      sourceFormat: null,
      sheet: null
    }
  }
  if (!push) return null
  const source = (details['source'] ?? {}) as { format?: unknown; sheet?: unknown }
  const key = push.key
  return {
    mapping: push.mapping.map((m) => ({
      source: m.source,
      column: m.target.toLowerCase(),
      lookup: m.lookup ? `${m.lookup.table}.${m.lookup.keyColumns.join('+')}` : null
    })),
    key: key.kind === 'primary' ? 'primary id' : key.name || key.columns.join(', '),
    pushMode: push.mode,
    missing: push.missing,
    batchSize: push.batchSize,
    strategy: typeof details['strategy'] === 'string' ? details['strategy'] : push.strategy,
    force: typeof details['force'] === 'boolean' ? details['force'] : null,
    sourceFormat: typeof source.format === 'string' ? source.format : null,
    sheet: typeof source.sheet === 'string' ? source.sheet : null
  }
}
