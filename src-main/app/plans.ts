import { zeroPlanCounts, type PlanItem } from '../../src-shared/model/push'
import type { RunProgress } from '../../src-shared/schemas/pulls'
import type { z } from 'zod'
import type {
  CreatePlanInput,
  PlanCreated,
  PlanItemView,
  PlanItemsInput,
  PlanItemsPage,
  PlanView
} from '../../src-shared/schemas/plans'
import type { PushSettings, SourceSettings } from '../../src-shared/schemas/push'
import { exportPlan } from '../sync/export-plan'
import { MappingError } from '../sync/mapping'
import { AppError } from './errors'
import type { EnvironmentsService } from './environments'
import type { AppEvents } from './events'
import type { FileGrants } from './file-grants'
import type { Platform } from './platform'
import { readPushProfile } from './profile-settings'
import { scalar } from './pull-changes'
import type { Services } from './services'
import { asFieldError, openGrantedSource } from './sources'
import { DEFAULT_MAX_DELETE_PERCENT, newerPlanOf, removalsOf } from '../sync/apply-guards'

export interface PlansDeps {
  services: Services
  events: AppEvents
  environments: EnvironmentsService
  platform: Platform
  grants: FileGrants
}

/**
 * The Preview screen's service: plans made from a profile or from settings (with progress and
 * cancel), read a page at a time, rows excluded or included again, exported through the save
 * dialog. The planner (src-main/sync/plan.ts) does the work; nothing is written to Dataverse.
 */
export class PlansService {
  private readonly active = new Map<string, AbortController>()

  constructor(private readonly deps: PlansDeps) {}

  async create(input: CreatePlanInput): Promise<z.infer<typeof PlanCreated>> {
    const request = this.requestOf(input)
    const environment = await this.deps.environments.ready(request.environmentId)
    const key = `${environment.id}:${request.settings.table}`
    if (this.active.has(key))
      throw new AppError(
        'CONFLICT',
        `A plan of ${request.settings.table} in '${environment.name}' is being made; wait for it or cancel it.`
      )
    const controller = new AbortController()
    this.active.set(key, controller)
    let runId: number | undefined
    let last: RunProgress | undefined
    const progress = (rows: number, elapsedMs: number, state: RunProgress['state']) => {
      if (runId === undefined) return
      last = {
        runId,
        kind: 'plan',
        environmentId: environment.id,
        table: request.settings.table,
        state,
        mode: request.settings.mode,
        done: rows,
        total: state === 'running' ? null : rows,
        pages: 0,
        counts: {},
        elapsedMs,
        rate: elapsedMs > 0 ? Math.round((rows / elapsedMs) * 1000) : 0,
        etaMs: null,
        throttleWaitMs: null,
        message: null
      }
      this.deps.events.emit('run:progress', last)
    }
    try {
      const source = await openGrantedSource(this.deps, request.source)
      const result = await this.deps.services.planEngine(environment).run({
        environment,
        settings: request.settings,
        source,
        ...(request.profileName ? { profileName: request.profileName } : {}),
        ...(environment.account?.username ? { account: environment.account.username } : {}),
        signal: controller.signal,
        onProgress: (p) => {
          runId = p.runId
          progress(p.rows, p.elapsedMs, 'running')
        }
      })
      runId = result.runId
      progress(last?.done ?? 0, result.durationMs, 'completed')
      const { planId, counts, unmapped, warnings, durationMs } = result
      return { planId, runId: result.runId, counts, unmapped, warnings, durationMs }
    } catch (err) {
      if (last)
        this.deps.events.emit('run:progress', {
          ...last,
          state: (err as Error).name === 'CancelledError' ? 'cancelled' : 'failed',
          message: (err as Error).message
        })
      if (err instanceof MappingError)
        throw new AppError(
          'INVALID_INPUT',
          err.message,
          `settings.${err.part === 'key' ? 'key' : 'mapping'}`
        )
      throw asFieldError(err, 'source')
    } finally {
      this.active.delete(key)
      this.deps.events.emit('data:changed', {
        entities: ['plans', 'runs', 'pulls', 'tables'],
        environmentId: environment.id
      })
    }
  }

  cancel(environmentId: number, table: string): boolean {
    const controller = this.active.get(`${environmentId}:${table}`)
    controller?.abort()
    return controller !== undefined
  }

  close(): void {
    for (const controller of this.active.values()) controller.abort()
  }

  list(environmentId?: number, limit = 50): PlanView[] {
    return this.deps.services.store.plans.list(environmentId, limit).map((p) => this.get(p.planId))
  }

  get(planId: number): PlanView {
    const { store } = this.deps.services
    const plan = store.plans.get(planId)
    if (!plan)
      throw new AppError(
        'NOT_FOUND',
        `There is no plan ${planId} (any more): it may have been pruned.`
      )
    const runId = store.plans.runIdOf(planId)
    const run = runId === null ? undefined : store.runs.get(runId)
    const counts = zeroPlanCounts()
    const excluded = { ...counts }
    for (const row of store.plans.actionCounts(planId)) {
      counts[row.action] = row.total
      excluded[row.action] = row.excluded
    }
    const undoes = run?.kind === 'undo' ? Number(run.details['undoes']) : null
    const newer = newerPlanOf(store, plan)
    const removals = removalsOf(store, plan)
    return {
      planId,
      runId,
      kind: run?.kind === 'undo' ? 'undo' : 'push',
      undoes: undoes && Number.isInteger(undoes) ? undoes : null,
      environmentId: plan.environmentId,
      environmentName:
        store.environments.byId(plan.environmentId)?.name ?? run?.environmentName ?? null,
      table: plan.table,
      profileName: run?.profileName ?? null,
      status: plan.status,
      createdAt: plan.createdAt,
      settings: plan.settings as PushSettings,
      counts,
      excluded,
      applyRuns: store.runs.idsByDetail('apply', 'planId', planId),
      warnings: warningsOf(run?.details['warnings']),
      newerPlan: newer
        ? { planId: newer.planId, createdAt: newer.createdAt, status: newer.status }
        : null,
      removals: removals
        ? {
            count: removals.count,
            records: removals.records,
            percent: Math.round(removals.percent * 10) / 10,
            limitPercent: DEFAULT_MAX_DELETE_PERCENT
          }
        : null
    }
  }

  items(input: PlanItemsInput): PlanItemsPage {
    const { store } = this.deps.services
    if (!store.plans.get(input.planId))
      throw new AppError('NOT_FOUND', `There is no plan ${input.planId} (any more).`)
    const query = { actions: input.actions, search: input.search }
    return {
      planId: input.planId,
      total: store.plans.countItems(input.planId, query),
      offset: input.offset,
      items: store.plans.itemsPage(input.planId, query, input.offset, input.limit).map(itemView)
    }
  }

  exclude(planId: number, seqs: readonly number[], excluded: boolean): number {
    const plan = this.get(planId)
    if (plan.status === 'applied')
      throw new AppError(
        'PRECONDITION',
        `Plan ${planId} is applied already; there is nothing left to exclude.`
      )
    if (plan.status === 'applying')
      throw new AppError('CONFLICT', `Plan ${planId} is being applied; wait for the apply to end.`)
    const changed = this.deps.services.store.plans.setExcludedItems(planId, seqs, excluded)
    this.deps.events.emit('data:changed', {
      entities: ['plans'],
      environmentId: plan.environmentId
    })
    return changed
  }

  async export(
    planId: number,
    format: 'csv' | 'json'
  ): Promise<{ file: string | null; items: number }> {
    this.get(planId)
    const file = await this.deps.platform.saveFile({
      title: `Export plan ${planId}`,
      defaultName: `plan-${planId}.${format}`,
      filters: [{ name: format.toUpperCase(), extensions: [format] }]
    })
    if (file === undefined) return { file: null, items: 0 }
    const exported = await exportPlan(this.deps.services.store, planId, file)
    return { file: exported.file, items: exported.items }
  }

  /** What a plan is made from: a saved profile's settings, or settings given in the editor. */
  private requestOf(input: CreatePlanInput): {
    environmentId: number
    settings: PushSettings
    source: SourceSettings
    profileName?: string
  } {
    if (input.from === 'settings')
      return { environmentId: input.environmentId, settings: input.settings, source: input.source }
    const { store } = this.deps.services
    const profile = store.profiles.byName(input.profile)
    if (!profile || profile.kind !== 'push')
      throw new AppError(
        'NOT_FOUND',
        `There is no push profile named '${input.profile}'.`,
        'profile'
      )
    const saved = readPushProfile(profile)
    if ('problem' in saved) throw new AppError('INVALID_INPUT', saved.problem, 'profile')
    const named = profile.settings['environment']
    const environment =
      (typeof named === 'string' ? store.environments.byName(named) : undefined) ??
      (profile.environmentId !== null ? store.environments.byId(profile.environmentId) : undefined)
    if (!environment)
      throw new AppError(
        'PRECONDITION',
        `Profile '${profile.name}' pushes to environment '${String(named)}', which is not configured here; add it on the Environments screen.`,
        'profile'
      )
    return { environmentId: environment.id, ...saved, profileName: profile.name }
  }
}

/** The plan run's stored warnings; anything else there (an older or hand-edited run) is none. */
function warningsOf(stored: unknown): string[] {
  return Array.isArray(stored) ? stored.filter((w): w is string => typeof w === 'string') : []
}

function itemView(item: PlanItem): PlanItemView {
  return {
    seq: item.seq,
    row: item.row,
    location: item.location,
    recordId: item.recordId,
    key: item.key,
    action: item.action,
    changes: Object.entries(item.changes).map(([column, c]) => ({
      column,
      from: scalar(c.from),
      to: scalar(c.to),
      ...(typeof c.fromLabel === 'string' ? { fromLabel: c.fromLabel } : {}),
      ...(typeof c.toLabel === 'string' ? { toLabel: c.toLabel } : {})
    })),
    error: item.error,
    excluded: item.excluded,
    outcome: item.outcome,
    outcomeMessage: item.outcomeMessage
  }
}
