import type { RunProgress } from '../../src-shared/schemas/pulls'
import type { ApplyProgress } from '../sync/apply'
import type { ApplyCounts } from '../sync/apply-journal'
import { AppError } from './errors'
import type { EnvironmentsService } from './environments'
import type { AppEvents } from './events'
import type { Services } from './services'
import { DEFAULT_MAX_DELETE_PERCENT, removalsOver } from '../sync/apply-guards'

export interface AppliesDeps {
  services: Services
  events: AppEvents
  environments: EnvironmentsService
}

const countsOf = (c: ApplyCounts): Record<string, number> => ({
  created: c.created,
  updated: c.updated,
  deactivated: c.deactivated,
  deleted: c.deleted,
  failed: c.failed,
  conflicts: c.conflicts,
  skipped: c.skipped,
  alreadyApplied: c.alreadyApplied
})

/** Holds the workers between requests while paused (the engine's waitIfPaused). */
class Pause {
  private gate: { promise: Promise<void>; open: () => void } | undefined

  get paused(): boolean {
    return this.gate !== undefined
  }

  pause(): void {
    if (this.gate) return
    let open: () => void = () => undefined
    const promise = new Promise<void>((resolve) => (open = resolve))
    this.gate = { promise, open }
  }

  resume(): void {
    this.gate?.open()
    this.gate = undefined
  }

  wait = (): Promise<void> => this.gate?.promise ?? Promise.resolve()
}

interface ActiveApply {
  planId: number
  key: string
  controller: AbortController
  pause: Pause
  progress: RunProgress | undefined
  done: Promise<void>
}

/**
 * Applies started from the Preview: one per plan and table at a time, in the background,
 * reporting `run:progress` after every request (done/total, rate, ETA, throttling waits), with
 * pause (between requests) and cancel. The engine (src-main/sync/apply.ts) does the work and
 * journals every record, so a cancelled apply resumes with a new apply of the same plan.
 */
export class AppliesService {
  private readonly active = new Map<number, ActiveApply>()

  constructor(private readonly deps: AppliesDeps) {}

  /** Starts the apply; resolves with its run id once the run exists. */
  async start(
    planId: number,
    force = false,
    allowRemovalPercent?: number
  ): Promise<{ runId: number }> {
    const { store } = this.deps.services
    const plan = store.plans.get(planId)
    if (!plan) throw new AppError('NOT_FOUND', `There is no plan ${planId} (any more).`)
    // The guard a confirmation alone does not pass (issue 12, item 5): the share must be agreed.
    const over = removalsOver(
      store,
      plan,
      Math.max(allowRemovalPercent ?? 0, DEFAULT_MAX_DELETE_PERCENT)
    )
    if (over)
      throw new AppError(
        'PRECONDITION',
        `Plan ${planId} would delete or deactivate ${over.count.toLocaleString('en')} of ${over.records.toLocaleString('en')} ${plan.table} records (${Math.round(over.percent)}%). Check the source and its missing-records setting; to go ahead, agree to that share in the Apply dialog.`
      )
    if (plan.status === 'applied')
      throw new AppError(
        'PRECONDITION',
        `Plan ${planId} is applied already; plan again to push what changed since.`
      )
    const environment = await this.deps.environments.ready(plan.environmentId)
    const key = `${plan.environmentId}:${plan.table}`
    if ([...this.active.values()].some((a) => a.planId === planId || a.key === key))
      throw new AppError(
        'CONFLICT',
        `An apply to ${plan.table} in '${environment.name}' is running; wait for it or cancel it.`
      )
    let announce: (runId: number) => void = () => undefined
    let refuse: (err: unknown) => void = () => undefined
    const started = new Promise<{ runId: number }>((resolve, reject) => {
      announce = (runId) => resolve({ runId })
      refuse = reject
    })
    const entry: ActiveApply = {
      planId,
      key,
      controller: new AbortController(),
      pause: new Pause(),
      progress: undefined,
      done: Promise.resolve()
    }
    const slot = -planId // until the run exists, the entry is kept under the plan
    this.active.set(slot, entry)
    const progressOf = (p: ApplyProgress, state: RunProgress['state'], elapsedMs: number) =>
      ({
        runId: p.runId,
        kind: 'apply',
        environmentId: plan.environmentId,
        table: plan.table,
        state,
        mode: plan.settings.mode,
        done: p.done,
        total: p.total,
        pages: 0,
        counts: countsOf(p.counts),
        elapsedMs,
        rate: p.ratePerSecond,
        etaMs: p.etaSeconds === null ? null : p.etaSeconds * 1000,
        throttleWaitMs: Math.round(p.throttleWaitMs),
        message: null,
        paused: entry.pause.paused
      }) satisfies RunProgress
    const began = performance.now()
    entry.done = this.deps.services
      .applyEngine(environment)
      .run({
        environment,
        planId,
        force,
        signal: entry.controller.signal,
        waitIfPaused: entry.pause.wait,
        ...(environment.account?.username ? { account: environment.account.username } : {}),
        onProgress: (p) => {
          if (!entry.progress) {
            this.active.delete(slot)
            this.active.set(p.runId, entry)
          }
          entry.progress = progressOf(p, 'running', Math.round(performance.now() - began))
          this.deps.events.emit('run:progress', entry.progress)
          announce(p.runId)
        }
      })
      .then(
        (result) => {
          this.finish({
            ...(entry.progress ??
              progressOf(
                { ...result, done: 0, total: 0, ratePerSecond: 0, etaSeconds: 0, counts: result },
                'completed',
                0
              )),
            runId: result.runId,
            state: 'completed',
            done: entry.progress?.total ?? 0,
            etaMs: 0,
            elapsedMs: result.durationMs,
            counts: countsOf(result),
            throttleWaitMs: Math.round(result.throttleWaitMs),
            paused: false,
            message:
              result.failed || result.conflicts
                ? `${result.failed} failed, ${result.conflicts} conflicts: see the run's records.`
                : null
          })
          announce(result.runId)
        },
        (err: unknown) => {
          const last = entry.progress
          if (!last) return refuse(err)
          const run = store.runs.get(last.runId)
          this.finish({
            ...last,
            state: run && run.status !== 'running' ? run.status : 'failed',
            paused: false,
            message: (err as Error).message
          })
        }
      )
      .finally(() => {
        for (const [id, e] of this.active) if (e === entry) this.active.delete(id)
      })
    return started
  }

  pause(runId: number): boolean {
    return this.toggle(runId, true)
  }

  resume(runId: number): boolean {
    return this.toggle(runId, false)
  }

  /** Stops after the requests in flight; a paused apply is released to stop. */
  cancel(runId: number): boolean {
    const entry = this.active.get(runId)
    entry?.controller.abort()
    entry?.pause.resume()
    return entry !== undefined
  }

  running(): RunProgress[] {
    return [...this.active.values()].flatMap((e) => (e.progress ? [e.progress] : []))
  }

  async close(): Promise<void> {
    const entries = [...this.active.values()]
    for (const entry of entries) {
      entry.controller.abort()
      entry.pause.resume()
    }
    await Promise.all(entries.map((e) => e.done.catch(() => undefined)))
  }

  private toggle(runId: number, paused: boolean): boolean {
    const entry = this.active.get(runId)
    if (!entry?.progress) return false
    if (paused) entry.pause.pause()
    else entry.pause.resume()
    entry.progress = { ...entry.progress, paused }
    this.deps.events.emit('run:progress', entry.progress)
    return true
  }

  private finish(progress: RunProgress): void {
    this.deps.events.emit('run:progress', progress)
    this.deps.events.emit('data:changed', {
      entities: ['runs', 'plans', 'pulls', 'tables'],
      ...(progress.environmentId !== null ? { environmentId: progress.environmentId } : {})
    })
  }
}
