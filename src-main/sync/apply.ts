import type { EnvironmentConfig } from '../../src-shared/model/environment'
import type { TableDetails } from '../../src-shared/model/metadata'
import type { ApplyStrategy } from '../../src-shared/model/push'
import type { DataverseClient } from '../dataverse/client'
import { CancelledError } from '../dataverse/errors'
import type { WriteOutcome } from '../dataverse/writes'
import { recordIfPossible, storageError } from '../store/errors'
import type { Store } from '../store/open'
import { claimRunWhenFree } from '../store/run-lock'
import type { StoredPlanItem } from '../store/repositories/plans'
import { settleInterruptedApplies } from './apply-interrupted'
import { reconcile } from './apply-reconcile'
import { refusedAsExisting, sendChunk, type SendKind, type Sendable } from './apply-send'
import { applyJournal, type ApplyCounts } from './apply-journal'
import { isProcessAlive } from './process-alive'
import { PullEngine } from './pull'
import { adoptPulls } from './run-parts'
import { runAccountOf } from './run-account'

export interface ApplyRequest {
  environment: EnvironmentConfig
  planId: number
  /** Source rows to leave out (the preview's per-row exclusions). */
  exclude?: number[]
  batchSize?: number
  parallelism?: number
  strategy?: ApplyStrategy
  /** Overwrite records that changed in Dataverse since the plan. */
  force?: boolean
  account?: string
  signal?: AbortSignal
  /** Resolves when work may go on; pause makes it wait between requests. */
  waitIfPaused?: () => Promise<void>
  onProgress?: (progress: ApplyProgress) => void
  /** Another apply to the same table is running: this one waits for it (said once). */
  onWait?: (message: string) => void
}

export interface ApplyProgress {
  runId: number
  done: number
  total: number
  ratePerSecond: number
  etaSeconds: number | null
  throttleWaitMs: number
  counts: ApplyCounts
}

export interface ApplyResult extends ApplyCounts {
  runId: number
  planId: number
  requests: number
  retries: number
  throttleWaitMs: number
  durationMs: number
}

const WRITE_ACTIONS = ['create', 'update', 'deactivate', 'delete'] as const

/**
 * Applies a plan: refreshes the mirror, re-checks every item against it (conflicts, work an
 * interrupted apply already did), then sends the rest in chunks — bulk actions where the table
 * has them, $batch with continue-on-error where a condition (If-Match) must hold per record —
 * with as many requests in flight as the server's x-ms-dop-hint allows. Every item's outcome is
 * journaled before and after its request, so a killed apply resumes without duplicates.
 */
export class ApplyEngine {
  constructor(private readonly deps: { store: Store; client: DataverseClient }) {}

  async run(request: ApplyRequest): Promise<ApplyResult> {
    try {
      const { store } = this.deps
      const plan = store.plans.get(request.planId)
      if (!plan) throw new Error(`There is no plan ${request.planId}; make one with dvsync plan.`)
      // One apply per table of an environment at a time, across processes: two applies of one
      // plan would send its items twice, and two plans creating the same keys would both judge
      // their creates by a mirror the other is about to change. The second waits, then
      // reconciles against what the first wrote (its creates become conflicts).
      const release = await claimRunWhenFree(
        store,
        `apply-${plan.environmentId}-${plan.table}`,
        `An apply to ${plan.table} in environment ${request.environment.name}`,
        isProcessAlive,
        {
          ...(request.signal ? { signal: request.signal } : {}),
          ...(request.onWait ? { onWait: request.onWait } : {})
        }
      )
      try {
        // A killed apply of this plan (or another) is no longer 'applying': this one resumes it.
        settleInterruptedApplies(store)
        return await this.apply(request)
      } finally {
        release()
      }
    } catch (err) {
      // A full or read-only data folder says so, naming it (not "SQLITE_FULL" and a stack).
      throw storageError(err, this.deps.store.folder) ?? err
    }
  }

  private async apply(request: ApplyRequest): Promise<ApplyResult> {
    const { store, client } = this.deps
    const started = performance.now()
    const figuresBefore = client.metrics.snapshot()
    const plan = store.plans.get(request.planId)
    if (!plan) throw new Error(`There is no plan ${request.planId}; make one with dvsync plan.`)
    if (plan.environmentId !== request.environment.id) {
      throw new Error(
        `Plan ${request.planId} was made for another environment; apply it there or plan again.`
      )
    }
    if (request.exclude?.length) store.plans.setExcluded(plan.planId, request.exclude, true)
    // The table as the plan read it: an apply costs no metadata requests.
    const details = store.plans.details(plan.planId)!
    const table = details.table
    const strategy = request.strategy ?? plan.settings.strategy
    const bulk = (strategy === 'auto' || strategy === 'bulk') && details.bulk
    // The mirror is made current first: it is what conflicts and already-done work are judged by.
    const pulled = await new PullEngine({ store, client }).run({
      environment: request.environment,
      table: plan.table,
      ...(request.signal ? { signal: request.signal } : {})
    })
    const mirror = store.mirrors.rows(store.mirrors.find(request.environment.id, plan.table)!)

    const runId = store.runs.start({
      kind: 'apply',
      mode: plan.settings.mode,
      environmentId: request.environment.id,
      environmentName: request.environment.name,
      tableName: plan.table,
      // The profile the plan was made with: an apply is that profile's push too.
      profileName: planRunOf(store, plan.planId)?.profileName ?? null,
      account: request.account ?? runAccountOf(request.environment),
      details: { planId: plan.planId, strategy, force: request.force ?? false }
    })
    adoptPulls(store, [pulled], runId)
    store.plans.setStatus(plan.planId, 'applying')
    const journal = applyJournal(store, plan.planId, runId)
    const groups = new Map<SendKind, Sendable[]>()
    // Planned creates stay creates unless forced: a record another apply created after this
    // one's mirror pull is refused (412) and reported, never overwritten.
    const mustBeNew = plan.settings.mode === 'create' || !(request.force ?? false)
    // Items are read a page at a time: SQLite can't write the journal while a read is open.
    const open = ['pending', 'sending', 'failed', 'conflict', 'excluded'] as const
    for (let afterSeq = 0; ;) {
      const page = [
        ...store.plans.items(plan.planId, {
          actions: WRITE_ACTIONS,
          outcomes: open,
          afterSeq,
          limit: 1000
        })
      ]
      if (page.length === 0) break
      afterSeq = page.at(-1)!.seq
      for (const item of page) {
        if (item.excluded) {
          journal.settle([item], 'excluded', null, 'Excluded from the apply by the admin.')
          continue
        }
        const decision = reconcile(item, table, mirror, request.force ?? false)
        if (decision.kind === 'done') {
          journal.settle([item], 'done', 'already-applied', decision.reason, decision.before)
        } else if (decision.kind === 'conflict') {
          journal.settle([item], 'conflict', 'conflict', decision.reason, decision.before)
        } else {
          const kind = sendKind(item, bulk, strategy, decision.ifMatch !== null, mustBeNew)
          const list = groups.get(kind) ?? []
          list.push({ item, ifMatch: decision.ifMatch })
          groups.set(kind, list)
          journal.remember(item, decision.before)
        }
      }
    }
    const batchSize = Math.max(1, Math.min(request.batchSize ?? plan.settings.batchSize, 1000))
    const chunks: { kind: SendKind; items: Sendable[] }[] = []
    for (const [kind, items] of groups) {
      for (let i = 0; i < items.length; i += batchSize)
        chunks.push({ kind, items: items.slice(i, i + batchSize) })
    }
    const total = chunks.reduce((n, c) => n + c.items.length, 0)
    let done = 0
    const report = (): void => {
      const elapsed = (performance.now() - started) / 1000
      const rate = elapsed > 0 ? done / elapsed : 0
      request.onProgress?.({
        runId,
        done,
        total,
        ratePerSecond: Math.round(rate),
        etaSeconds: rate > 0 ? Math.round((total - done) / rate) : null,
        throttleWaitMs: client.metrics.since(figuresBefore).throttleWaitMs,
        counts: journal.counts()
      })
    }
    report()
    // Creates refused because their record exists, to be read back once the sends are over.
    const refused: { item: StoredPlanItem; outcome: WriteOutcome }[] = []
    let failure: unknown
    const worker = async (): Promise<void> => {
      for (;;) {
        if (failure !== undefined) return
        await request.waitIfPaused?.()
        if (request.signal?.aborted)
          throw new CancelledError(
            'The apply was cancelled between requests; what was sent is recorded and a new apply of the same plan resumes the rest.'
          )
        const chunk = chunks.shift()
        if (!chunk) return
        journal.sending(chunk.items.map((s) => s.item))
        let outcomes: WriteOutcome[]
        try {
          outcomes = await sendChunk(
            client,
            table,
            chunk.kind,
            chunk.items,
            mustBeNew,
            request.signal
          )
        } catch (err) {
          failure ??= err
          return
        }
        const answered = chunk.items.map((s, i) => ({ item: s.item, outcome: outcomes[i]! }))
        const settled = answered.filter((a) => !a.outcome || !refusedAsExisting(a.item, a.outcome))
        refused.push(...answered.filter((a) => a.outcome && refusedAsExisting(a.item, a.outcome)))
        journal.record(
          settled.map((a) => a.item),
          settled.map((a) => a.outcome)
        )
        done += chunk.items.length
        report()
      }
    }
    // Workers beyond the server's hint just wait at the transport's gate; the cap is a ceiling.
    const workers = Math.max(
      1,
      Math.min(request.parallelism ?? plan.settings.parallelism ?? 16, 64)
    )
    const results = await Promise.allSettled(Array.from({ length: workers }, () => worker()))
    const thrown = results.find((r) => r.status === 'rejected')
    failure ??= thrown?.status === 'rejected' ? thrown.reason : undefined
    if (failure === undefined && refused.length > 0) {
      try {
        await this.readBack(request, table, refused, journal, runId)
      } catch (err) {
        // Left 'sending': the next apply of the plan reconciles them against a fresh mirror.
        failure = err
      }
    }
    if (failure !== undefined) failure = storageError(failure, store.folder) ?? failure
    const counts = journal.counts()
    const figures = client.metrics.since(figuresBefore)
    // Unchanged records are the plan's: the apply sends nothing for them, its report counts them.
    const unchanged = plan.counts.unchanged ?? 0
    if (failure !== undefined) {
      // The journal's own writes may fail too (a full disk): the user sees the first failure.
      recordIfPossible(store.folder, () => {
        store.runs.progress(runId, { ...counts, unchanged }, figures)
        store.runs.finish(
          runId,
          failure instanceof CancelledError ? 'cancelled' : 'failed',
          (failure as Error).message
        )
        store.plans.setStatus(plan.planId, 'partial')
      })
      throw failure
    }
    store.runs.progress(runId, { ...counts, unchanged }, figures)
    // No pull afterwards: the next plan or apply starts with a delta pull that brings the writes in.
    const clean = counts.failed === 0 && counts.conflicts === 0
    store.plans.setStatus(plan.planId, clean ? 'applied' : 'partial')
    store.runs.finish(
      runId,
      'completed',
      clean ? null : `${counts.failed} failed, ${counts.conflicts} conflicts; see the run's items.`
    )
    return {
      runId,
      planId: plan.planId,
      ...counts,
      requests: figures.requests,
      retries: figures.retries,
      throttleWaitMs: figures.throttleWaitMs,
      durationMs: Math.round(performance.now() - started)
    }
  }

  /**
   * Creates Dataverse refused because the record exists by now. The mirror is brought current
   * (a delta pull) and each is judged again: a record holding exactly the planned values is
   * this apply's own create (a repeat after a lost answer, reference §11) and counts as
   * created; any other record was made by someone else after the plan: a conflict, not
   * overwritten.
   */
  private async readBack(
    request: ApplyRequest,
    table: TableDetails,
    refused: readonly { item: StoredPlanItem; outcome: WriteOutcome }[],
    journal: ReturnType<typeof applyJournal>,
    runId: number
  ): Promise<void> {
    const { store, client } = this.deps
    const pulled = await new PullEngine({ store, client }).run({
      environment: request.environment,
      table: table.logicalName,
      ...(request.signal ? { signal: request.signal } : {})
    })
    adoptPulls(store, [pulled], runId)
    const mirror = store.mirrors.rows(
      store.mirrors.find(request.environment.id, table.logicalName)!
    )
    for (const { item, outcome } of refused) {
      const decision = reconcile(item, table, mirror, false)
      if (decision.kind === 'done') journal.record([item], [{ ok: true, status: 204 }])
      else if (decision.kind === 'conflict')
        journal.settle([item], 'conflict', 'conflict', decision.reason, decision.before)
      // No record by the plan's key: the duplicate was on another of the table's keys (or the
      // record was deleted since). Dataverse's answer stands, as a failure.
      else journal.record([item], [outcome])
    }
  }
}

function planRunOf(store: Store, planId: number) {
  const runId = store.plans.runIdOf(planId)
  return runId === null ? undefined : store.runs.get(runId)
}

/** Which request kind an item goes out with, by what the table supports and what the item needs. */
function sendKind(
  item: StoredPlanItem,
  bulk: boolean,
  strategy: ApplyStrategy,
  conditional: boolean,
  mustBeNew: boolean
): SendKind {
  if (strategy === 'single') return 'single'
  if (!bulk || item.action === 'delete') return 'batch'
  // UpsertMultiple has no conditional header and, over the Web API, doesn't say which records
  // it created (reference §4.1): a create that must stay one goes out as CreateMultiple, whose
  // duplicate key refuses it (§2.6). A forced create may overwrite: UpsertMultiple.
  if (item.action === 'create') return mustBeNew ? 'create-bulk' : 'upsert-bulk'
  // A per-record If-Match can't ride on UpdateMultiple: conditional updates go in a $batch.
  return conditional ? 'batch' : 'update-bulk'
}

export type { TableDetails }
