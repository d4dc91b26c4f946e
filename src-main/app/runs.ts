import type {
  ListRunsInput,
  PruneView,
  RunComparison,
  RunDetails,
  RunItemView,
  RunItemsInput,
  RunItemsPage,
  RunSummary,
  TrendPoint
} from '../../src-shared/schemas/runs'
import type { UndoPlanned } from '../../src-shared/schemas/plans'
import type { z } from 'zod'
import {
  compareRuns,
  figuresOverTime,
  getRun,
  isPlanLike,
  listRuns,
  pruneRuns,
  type HistoryRun,
  type PrunePolicy,
  type RunFilter
} from '../history/index'
import { exportRunReport, type ReportFormat } from '../reports/index'
import { AppError } from './errors'
import type { AppEvents } from './events'
import type { Platform } from './platform'
import { scalar } from './pull-changes'
import type { Services } from './services'
import { planUndo } from './undo'

export interface RunsDeps {
  services: Services
  events: AppEvents
  platform: Platform
}

const REPORT_FILTERS: Record<ReportFormat, { name: string; extensions: string[] }> = {
  csv: { name: 'CSV', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
  html: { name: 'Web page', extensions: ['html'] },
  pdf: { name: 'PDF', extensions: ['pdf'] }
}

/**
 * The Runs screen's service: history with filters, a run's details and records, figures over
 * time, comparing two runs, reports through the save dialog (PDF printed by the platform),
 * pruning, and the undo plan of an apply. Plain calls over src-main/history and reports.
 */
export class RunsService {
  constructor(private readonly deps: RunsDeps) {}

  list(input: ListRunsInput): RunSummary[] {
    return listRuns(this.deps.services.store, filterOf(input)).map(toRunSummary)
  }

  get(runId: number): RunDetails {
    const { store } = this.deps.services
    const run = getRun(store, runId)
    if (!run)
      throw new AppError(
        'NOT_FOUND',
        `There is no run ${runId} (any more): it may have been pruned.`
      )
    const record = store.runs.get(runId)!
    const planLike = isPlanLike(run.kind)
    const planItems = planLike && run.planId !== null ? store.plans.actionCounts(run.planId) : []
    const undoes = Number(record.details['undoes'])
    const writes =
      run.counts.created + run.counts.updated + run.counts.deactivated + run.counts.deleted
    return {
      ...toRunSummary(run),
      undoes: run.kind === 'undo' && Number.isInteger(undoes) ? undoes : null,
      undoneBy: run.kind === 'apply' ? store.runs.idsByDetail('undo', 'undoes', runId) : [],
      itemCounts: planLike
        ? Object.fromEntries(planItems.map((r) => [r.action, r.total]))
        : store.runs.countsByAction(runId),
      outcomeCounts: planLike ? {} : store.runs.countsByOutcome(runId),
      itemsIn: planLike ? 'plan' : 'journal',
      parts: store.runs.parts(runId).map((part) => ({
        runId: part.id,
        table: part.tableName,
        mode: part.mode,
        created: part.counts['created'] ?? 0,
        updated: part.counts['updated'] ?? 0,
        deleted: part.counts['deleted'] ?? 0
      })),
      canUndo:
        run.kind === 'apply' &&
        run.status !== 'running' &&
        writes > 0 &&
        run.environmentId !== null &&
        store.environments.byId(run.environmentId) !== undefined
    }
  }

  items(input: RunItemsInput): RunItemsPage {
    const { store } = this.deps.services
    if (!store.runs.get(input.runId))
      throw new AppError('NOT_FOUND', `There is no run ${input.runId} (any more).`)
    const filter = { actions: input.actions, outcomes: input.outcomes, search: input.search }
    return {
      runId: input.runId,
      total: store.runs.countItems(input.runId, filter),
      offset: input.offset,
      items: store.runs.itemsPage(input.runId, filter, input.offset, input.limit).map(itemView)
    }
  }

  trend(input: ListRunsInput): TrendPoint[] {
    return figuresOverTime(this.deps.services.store, filterOf(input))
  }

  compare(a: number, b: number, offset?: number, limit?: number): RunComparison {
    const result = compareRuns(this.deps.services.store, a, b, {
      ...(offset !== undefined ? { offset } : {}),
      limit: limit ?? 200
    })
    const side = (s: { action: string; outcome: string | null; error: string | null } | null) =>
      s ? { action: s.action, outcome: s.outcome, error: s.error } : null
    return {
      a: toRunSummary(result.a),
      b: toRunSummary(result.b),
      counts: result.counts,
      figures: result.figures,
      records: {
        onlyInA: result.records.onlyInA,
        onlyInB: result.records.onlyInB,
        different: result.records.different,
        total: result.records.total,
        truncated: result.records.truncated,
        items: result.records.items.map((d) => ({
          record: d.record,
          difference: d.difference,
          columns: d.columns,
          a: side(d.a),
          b: side(d.b)
        }))
      }
    }
  }

  /** The save dialog, then the report written (a PDF printed by the platform's printer). */
  async report(
    runId: number,
    format: ReportFormat
  ): Promise<{
    file: string | null
    format: ReportFormat
    records: number
    totalRecords: number
    bytes: number
  }> {
    if (!this.deps.services.store.runs.get(runId))
      throw new AppError('NOT_FOUND', `There is no run ${runId} (any more).`)
    const file = await this.deps.platform.saveFile({
      title: `Report of run ${runId}`,
      defaultName: `run-${runId}-report.${format}`,
      filters: [REPORT_FILTERS[format]]
    })
    if (file === undefined) return { file: null, format, records: 0, totalRecords: 0, bytes: 0 }
    const result = await exportRunReport(this.deps.services.store, runId, file, {
      format,
      printer: this.deps.platform.printer
    })
    return {
      file: result.file,
      format,
      records: result.records,
      totalRecords: result.totalRecords,
      bytes: result.bytes
    }
  }

  prune(policy: PrunePolicy): PruneView {
    if (policy.olderThanDays === undefined && policy.keep === undefined)
      throw new AppError(
        'INVALID_INPUT',
        'Say what to prune: runs older than some days, the newest N to keep, or both.',
        'olderThanDays'
      )
    const result = pruneRuns(this.deps.services.store, policy)
    if (!result.dryRun && result.runs.length)
      this.deps.events.emit('data:changed', { entities: ['runs', 'plans', 'pulls', 'changes'] })
    return {
      dryRun: result.dryRun,
      runs: result.runs.map((r) => r.id),
      items: result.items,
      plans: result.plans.length,
      planItems: result.planItems,
      protectedRuns: result.protectedRuns
    }
  }

  /** The undo of an apply run, as a plan to preview (and apply from the Preview). */
  async undo(
    runId: number,
    created?: 'delete' | 'deactivate'
  ): Promise<z.infer<typeof UndoPlanned>> {
    const { plan, environment } = await planUndo(this.deps.services, runId, created)
    this.deps.events.emit('data:changed', {
      entities: ['runs', 'plans', 'pulls', 'tables'],
      environmentId: environment.id
    })
    return { planId: plan.planId, runId: plan.runId, counts: plan.counts }
  }
}

function filterOf(input: ListRunsInput): RunFilter {
  return {
    ...(input.kind ? { kind: input.kind } : {}),
    ...(input.environmentId !== undefined ? { environmentId: input.environmentId } : {}),
    ...(input.table ? { table: input.table } : {}),
    ...(input.profile ? { profile: input.profile } : {}),
    ...(input.status ? { status: input.status } : {}),
    ...(input.from ? { from: input.from } : {}),
    ...(input.to ? { to: input.to } : {}),
    ...(input.beforeId !== undefined ? { beforeId: input.beforeId } : {}),
    ...(input.limit !== undefined ? { limit: input.limit } : {})
  }
}

export function toRunSummary(run: HistoryRun): RunSummary {
  return {
    runId: run.id,
    kind: run.kind,
    mode: run.mode,
    state: run.status,
    environmentId: run.environmentId,
    environmentName: run.environmentName,
    table: run.table,
    profileName: run.profile,
    account: run.account,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    counts: { ...run.counts },
    figures: { ...run.figures },
    records: run.records,
    problems: run.problems,
    planId: run.planId,
    message: run.message
  }
}

function itemView(item: ReturnType<Services['store']['runs']['itemsPage']>[number]): RunItemView {
  const before = item.before ?? {}
  const after = item.after ?? {}
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (n) => !n.startsWith('@')
  )
  return {
    seq: item.seq,
    recordId: item.recordId,
    recordKey: item.recordKey,
    action: item.action,
    outcome: item.outcome,
    errorCode: item.errorCode,
    errorMessage: item.errorMessage,
    columns: names.map((column) => {
      const from = item.before ? scalar(before[column]) : null
      const to = item.after ? scalar(after[column]) : null
      return {
        column,
        before: from,
        after: to,
        changed: JSON.stringify(from) !== JSON.stringify(to)
      }
    })
  }
}
