import type { RunRecord } from '../../src-shared/model/run'
import type {
  ChangesExported,
  ChangesInput,
  ChangesPage,
  PullRunView,
  RunProgress,
  RunState
} from '../../src-shared/schemas/pulls'
import { exportFormatOfName, exportPullChanges, type ExportFormat } from '../sync/export-changes'
import type { PullProgress, PullResult } from '../sync/pull'
import { AppError } from './errors'
import type { EnvironmentsService } from './environments'
import type { FileFilter, Platform } from './platform'
import type { AppEvents } from './events'
import { pullChangesPage } from './pull-changes'
import { readPullProfile, type PullProfileRequest } from './pull-profile'
import type { Services } from './services'

export interface PullsDeps {
  services: Services
  events: AppEvents
  environments: EnvironmentsService
  /** The save dialog for exports. */
  platform: Platform
}

const CHANGE_FILTERS: Record<ExportFormat, FileFilter> = {
  csv: { name: 'CSV', extensions: ['csv'] },
  ndjson: { name: 'NDJSON (one JSON record per line)', extensions: ['ndjson'] }
}

interface ActivePull {
  controller: AbortController
  progress: RunProgress | undefined
  done: Promise<void>
}

/**
 * Pulls started from the app: at most one per table at a time, each reporting `run:progress`
 * after every page and cancellable between pages. The engine (src-main/sync/pull.ts) does the
 * work; this only runs it in the background and tells the window how it goes.
 */
export class PullsService {
  private readonly active = new Map<string, ActivePull>()

  constructor(private readonly deps: PullsDeps) {}

  /** Starts a pull and resolves with its run id once the run exists (after its first page). */
  async start(
    environmentId: number,
    table: string,
    options: { full?: boolean; profile?: string } = {}
  ): Promise<{ runId: number }> {
    const environment = await this.deps.environments.ready(environmentId)
    const profile = options.profile
      ? profileFor(this.deps.services.store, options.profile, environment.name, table)
      : undefined
    const key = activeKey(environmentId, table)
    if (this.active.has(key))
      throw new AppError(
        'CONFLICT',
        `A pull of ${table} in '${environment.name}' is already running; wait for it or cancel it.`
      )
    const { store } = this.deps.services
    const before = store.runs.list({ kind: 'pull', environmentId, tableName: table, limit: 1 })[0]
    const controller = new AbortController()
    let announce: (runId: number) => void = () => undefined
    let refuse: (err: unknown) => void = () => undefined
    const started = new Promise<{ runId: number }>((resolve, reject) => {
      announce = (runId) => resolve({ runId })
      refuse = reject
    })
    const entry: ActivePull = { controller, progress: undefined, done: Promise.resolve() }
    this.active.set(key, entry)
    entry.done = this.deps.services
      .pullEngine(environment)
      .run({
        environment,
        table,
        full: options.full ?? false,
        ...(profile?.columns ? { columns: profile.columns } : {}),
        ...(profile ? { profileName: profile.profileName } : {}),
        signal: controller.signal,
        ...(environment.account?.username ? { account: environment.account.username } : {}),
        onProgress: (p) => {
          entry.progress = runningProgress(environmentId, table, p)
          this.deps.events.emit('run:progress', entry.progress)
          announce(p.runId)
        }
      })
      .then(
        (result) => {
          this.finished(environmentId, finalProgress(environmentId, table, result, entry.progress))
          announce(result.runId)
        },
        (err: unknown) => {
          // A run that failed after it began is reported as that run; one that never began
          // (tracking off, table unknown, signed out) is the start's own error.
          const run = store.runs.list({
            kind: 'pull',
            environmentId,
            tableName: table,
            limit: 1
          })[0]
          if (!run || run.id === before?.id) return refuse(err)
          this.finished(environmentId, failedProgress(environmentId, table, run, entry.progress))
          announce(run.id)
        }
      )
      .finally(() => this.active.delete(key))
    return started
  }

  cancel(environmentId: number, table: string): boolean {
    const entry = this.active.get(activeKey(environmentId, table))
    entry?.controller.abort()
    return entry !== undefined
  }

  /** Pulls running now, with their latest progress (for a window opened mid-pull). */
  running(): RunProgress[] {
    return [...this.active.values()].flatMap((e) => (e.progress ? [e.progress] : []))
  }

  list(environmentId: number, table?: string, limit = 50): PullRunView[] {
    return this.deps.services.store.runs
      .list({ kind: 'pull', environmentId, ...(table ? { tableName: table } : {}), limit })
      .map(toPullRunView)
  }

  changes(input: ChangesInput): ChangesPage {
    return pullChangesPage(this.deps.services.store, input)
  }

  /** Stops every pull after its current page and waits for them to record how far they got. */
  async close(): Promise<void> {
    const entries = [...this.active.values()]
    for (const entry of entries) entry.controller.abort()
    await Promise.all(entries.map((e) => e.done.catch(() => undefined)))
  }

  private finished(environmentId: number, progress: RunProgress): void {
    this.deps.events.emit('run:progress', progress)
    this.deps.events.emit('data:changed', {
      entities: ['pulls', 'changes', 'runs', 'tables'],
      environmentId
    })
  }

  /**
   * A pull's changes — created, updated and deleted records with their values — written to
   * CSV or NDJSON where the admin says, for the system on the other side (as `dvsync changes
   * --export`). Null file: the admin cancelled the dialog.
   */
  async exportChanges(runId: number, format: ExportFormat): Promise<ChangesExported> {
    const run = this.deps.services.store.runs.get(runId)
    if (!run || run.kind !== 'pull')
      throw new AppError(
        'NOT_FOUND',
        `Run ${runId} is not a pull (any more); pick a pull to export.`
      )
    const file = await this.deps.platform.saveFile({
      title: `Changes of pull ${runId}`,
      defaultName: `pull-${runId}-${run.tableName ?? 'table'}-changes.${format}`,
      filters: [CHANGE_FILTERS[format]]
    })
    if (file === undefined) return { file: null, format, records: 0 }
    // The dialog's file, whatever its name ends with: the format is the one chosen.
    const target = exportFormatOfName(file) === format ? file : `${file}.${format}`
    try {
      const result = await exportPullChanges(this.deps.services.store, runId, target)
      return { file: result.file, format, records: result.records }
    } catch (err) {
      throw new AppError(
        'PRECONDITION',
        `The changes could not be written to ${target}: ${(err as Error).message}. Choose another folder.`
      )
    }
  }
}

const activeKey = (environmentId: number, table: string): string => `${environmentId}:${table}`

const rateOf = (rows: number, elapsedMs: number): number =>
  elapsedMs > 0 ? Math.round((rows / elapsedMs) * 1000) : 0

function runningProgress(environmentId: number, table: string, p: PullProgress): RunProgress {
  return {
    runId: p.runId,
    kind: 'pull',
    environmentId,
    table,
    state: 'running',
    mode: p.mode,
    done: p.rows,
    total: null,
    pages: p.pages,
    counts: { ...p.counts },
    elapsedMs: p.elapsedMs,
    rate: rateOf(p.rows, p.elapsedMs),
    etaMs: null,
    throttleWaitMs: null,
    message: null
  }
}

function finalProgress(
  environmentId: number,
  table: string,
  result: PullResult,
  last: RunProgress | undefined
): RunProgress {
  const { created, updated, deleted, unchanged } = result
  const done = last?.done ?? created + updated + deleted + unchanged
  return {
    runId: result.runId,
    kind: 'pull',
    environmentId,
    table,
    state: 'completed',
    mode: result.mode,
    done,
    total: done,
    pages: last?.pages ?? 0,
    counts: { created, updated, deleted, unchanged },
    elapsedMs: result.durationMs,
    rate: rateOf(done, result.durationMs),
    etaMs: 0,
    throttleWaitMs: null,
    message: result.message ?? null
  }
}

function failedProgress(
  environmentId: number,
  table: string,
  run: RunRecord,
  last: RunProgress | undefined
): RunProgress {
  const state: RunState = run.status === 'running' ? 'failed' : run.status
  return {
    runId: run.id,
    kind: 'pull',
    environmentId,
    table,
    state,
    mode: run.mode,
    done: last?.done ?? 0,
    total: null,
    pages: last?.pages ?? 0,
    counts: { ...run.counts },
    elapsedMs: last?.elapsedMs ?? 0,
    rate: last?.rate ?? 0,
    etaMs: null,
    throttleWaitMs: null,
    message: run.message
  }
}

export function toPullRunView(run: RunRecord): PullRunView {
  const n = (name: string): number => run.counts[name] ?? 0
  return {
    runId: run.id,
    environmentId: run.environmentId,
    table: run.tableName ?? '',
    mode: run.mode,
    state: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    created: n('created'),
    updated: n('updated'),
    deleted: n('deleted'),
    unchanged: n('unchanged'),
    message: run.message
  }
}

/** The pull profile, when it is about this table of this environment (the window asked so). */
function profileFor(
  store: Services['store'],
  name: string,
  environmentName: string,
  table: string
): PullProfileRequest {
  const profile = readPullProfile(store, name)
  if (profile.environmentName !== environmentName || profile.table !== table)
    throw new AppError(
      'CONFLICT',
      `Pull profile '${name}' pulls ${profile.table} in '${profile.environmentName}', not ${table} in '${environmentName}'.`
    )
  return profile
}
