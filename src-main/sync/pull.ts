import type { EnvironmentConfig } from '../../src-shared/model/environment'
import type { PullMode } from '../../src-shared/model/run'
import type { DataverseClient } from '../dataverse/client'
import {
  CancelledError,
  ChangeTrackingExpiredError,
  InvalidDeltaTokenError
} from '../dataverse/errors'
import { recordIfPossible, storageError } from '../store/errors'
import type { Store } from '../store/open'
import { claimRun } from '../store/run-lock'
import type { MirrorRecord } from '../store/repositories/mirrors'
import { keyColumnsOf, recordKeyColumnsOf, sameColumns, selectColumns } from './columns'
import { isProcessAlive } from './process-alive'
import { runAccountOf } from './run-account'
import {
  applyChanges,
  missingColumnsNote,
  readsEverything,
  reconcileDeletes,
  type PageContext,
  type PullCounts
} from './pull-page'

export interface PullRequest {
  environment: EnvironmentConfig
  table: string
  /** Columns to mirror; default: what the mirror has, or every readable column. */
  columns?: string[]
  /** Ignore the stored delta link and read the whole table again. */
  full?: boolean
  maxPageSize?: number
  profileName?: string
  account?: string
  signal?: AbortSignal
  onProgress?: (progress: PullProgress) => void
}

export interface PullProgress {
  runId: number
  mode: PullMode
  pages: number
  rows: number
  counts: PullCounts
  elapsedMs: number
}

export interface PullResult {
  runId: number
  table: string
  mode: PullMode
  created: number
  updated: number
  deleted: number
  unchanged: number
  requests: number
  durationMs: number
  /** Why a full resync happened instead of a delta, when it did. */
  message?: string
}

/**
 * Pulls a table into its mirror: everything plus a delta link the first time, then only what
 * changed. Each page is applied in one transaction; the delta link is stored in the same
 * transaction as the last page, so a crash at any point re-applies pages and never skips one.
 * A table without change tracking (admins may not be allowed to turn it on) gets a full
 * compare every time: every row read plainly, compared with the mirror by ETag, deletes found
 * as the rows not returned — the resync machinery, without a delta link.
 */
export class PullEngine {
  constructor(private readonly deps: { store: Store; client: DataverseClient }) {}

  async run(request: PullRequest): Promise<PullResult> {
    const table = request.table.toLowerCase()
    try {
      // One pull of a table at a time on a data folder, across processes (the app and a
      // scheduled dvsync): two would journal every change twice.
      const release = claimRun(
        this.deps.store,
        `pull-${request.environment.id}-${table}`,
        `A pull of ${table} in '${request.environment.name}'`,
        isProcessAlive
      )
      try {
        return await this.pull(request)
      } finally {
        release()
      }
    } catch (err) {
      // A full or read-only data folder says so, naming it (not "SQLITE_FULL" and a stack).
      throw storageError(err, this.deps.store.folder) ?? err
    }
  }

  private async pull(request: PullRequest): Promise<PullResult> {
    const { store, client } = this.deps
    const started = performance.now()
    const figuresBefore = client.metrics.snapshot()
    store.runs.markInterrupted(isProcessAlive)
    const existing = store.mirrors.find(request.environment.id, request.table.toLowerCase())
    // A delta needs nothing but the stored delta link: skip the metadata round trips, so the
    // nightly pull of an unchanged table costs one request (the mirror knows set, id and keys).
    // A mirror whose keys were not Active when last read asks again, so a key that became Active
    // names the records from then on (one metadata read per pull until one is).
    const fastPath =
      existing?.deltaLink &&
      !request.full &&
      (existing.recordKey !== null || existing.keys.length === 0) &&
      (!request.columns?.length || sameRequested(existing, request.columns))
    const table = fastPath ? undefined : await client.metadata.getTable(request.table)
    // The fast path follows a delta link, which only a tracked table has.
    const tracked = table ? table.changeTrackingEnabled : true
    const columns = table
      ? selectColumns(
          table,
          request.columns && request.columns.length ? request.columns : existing?.columns
        )
      : existing!.columns
    // The real row count, not the stored one: a crash during a first pull leaves rows behind
    // without a delta link, and those must be compared, not reported as created again.
    const mirroredRows = existing ? store.mirrors.rows(existing).count() : 0
    let { mode, message } = decideMode(existing, mirroredRows, columns, {
      full: request.full ?? false,
      tracked
    })
    const mirror = table
      ? store.mirrors.ensure({
          environmentId: request.environment.id,
          tableName: table.logicalName,
          entitySet: table.entitySetName,
          primaryId: table.primaryIdAttribute,
          columns,
          keys: keyColumnsOf(table),
          recordKey: recordKeyColumnsOf(table)
        })
      : existing!
    const runId = store.runs.start({
      kind: 'pull',
      mode,
      environmentId: request.environment.id,
      environmentName: request.environment.name,
      tableName: mirror.tableName,
      profileName: request.profileName ?? null,
      account: request.account ?? runAccountOf(request.environment),
      details: { columns }
    })
    const counts: PullCounts = { created: 0, updated: 0, deleted: 0, unchanged: 0 }
    const ctx: PageContext = {
      runId,
      mode,
      rows: store.mirrors.rows(mirror),
      runs: store.runs,
      counts,
      seq: { next: 1 },
      keyOf: recordKeyOf(mirror),
      dataKeys: [...mirror.columns, mirror.primaryId],
      addedColumns: existing ? mirror.columns.filter((c) => !existing.columns.includes(c)) : []
    }
    const figures = (): object => client.metrics.since(figuresBefore)
    // Selected columns rows came without (column → rows): said in the run's message.
    const missing: Record<string, number> = {}
    try {
      try {
        const read = await this.readPages(
          request,
          mirror,
          ctx,
          mode === 'delta' ? (mirror.deltaLink ?? undefined) : undefined,
          started,
          figures,
          missing
        )
        if (mode === 'compare') message = compareMessage(request, mirror, table, read.rows)
      } catch (err) {
        if (
          mode !== 'delta' ||
          !(err instanceof ChangeTrackingExpiredError || err instanceof InvalidDeltaTokenError)
        )
          throw err
        // The token is gone (older than the retention period, or refused): read everything
        // again and reconcile, so deletes made meanwhile are still found (reference §1.7).
        mode = 'resync'
        ctx.mode = 'resync'
        message =
          err instanceof ChangeTrackingExpiredError
            ? `The delta token had expired (Dataverse keeps changes for a limited number of days); a full resync compared every row with the mirror instead.`
            : `The stored delta token was refused (${err.message}); a full resync compared every row with the mirror instead.`
        store.runs.progress(runId, counts, figures(), mode)
        await this.readPages(request, mirror, ctx, undefined, started, figures, missing)
      }
      const note = missingColumnsNote(missing)
      if (note) message = message ? `${message} ${note}` : note
      store.runs.progress(runId, counts, figures(), mode)
      store.runs.finish(runId, 'completed', message ?? null)
    } catch (caught) {
      const err = storageError(caught, store.folder) ?? caught
      recordIfPossible(store.folder, () => {
        store.runs.progress(runId, counts, figures(), mode)
        store.runs.finish(
          runId,
          err instanceof CancelledError ? 'cancelled' : 'failed',
          (err as Error).message
        )
      })
      throw err
    }
    return {
      runId,
      table: mirror.tableName,
      mode,
      ...counts,
      requests: client.metrics.since(figuresBefore).requests,
      durationMs: Math.round(performance.now() - started),
      ...(message ? { message } : {})
    }
  }

  private async readPages(
    request: PullRequest,
    mirror: MirrorRecord,
    ctx: PageContext,
    deltaLink: string | undefined,
    started: number,
    figures: () => object,
    missing: Record<string, number>
  ): Promise<{ rows: number }> {
    const { store, client } = this.deps
    let pages = 0
    let rows = 0
    const applyPage = store.db.transaction(
      (changes: Parameters<typeof applyChanges>[1], last: boolean, nextDelta: string | null) => {
        applyChanges(ctx, changes)
        if (last) {
          if (readsEverything(ctx.mode)) reconcileDeletes(ctx)
          // A full compare stores no link (there is none): the next pull compares again, or,
          // once tracking is on, reads everything with it and compares (decideMode).
          store.mirrors.saveDeltaLink(mirror.id, nextDelta, new Date().toISOString())
        }
        store.runs.progress(ctx.runId, ctx.counts, figures(), ctx.mode)
      }
    )
    for await (const page of client.changes({
      entitySet: mirror.entitySet,
      primaryId: mirror.primaryId,
      select: mirror.columns,
      ...(deltaLink ? { deltaLink } : {}),
      ...(ctx.mode === 'compare' ? { track: false } : {}),
      ...(request.maxPageSize ? { maxPageSize: request.maxPageSize } : {}),
      ...(request.signal ? { signal: request.signal } : {})
    })) {
      // A page that fails to commit (a full disk) is rolled back: so are its counts.
      const counted = { ...ctx.counts }
      const seq = ctx.seq.next
      try {
        applyPage(
          page.changes,
          page.deltaLink !== undefined || page.last === true,
          page.deltaLink ?? null
        )
      } catch (err) {
        Object.assign(ctx.counts, counted)
        ctx.seq.next = seq
        throw err
      }
      pages += 1
      rows += page.changes.length
      for (const [column, n] of Object.entries(page.missingColumns ?? {}))
        missing[column] = (missing[column] ?? 0) + n
      request.onProgress?.({
        runId: ctx.runId,
        mode: ctx.mode,
        pages,
        rows,
        counts: { ...ctx.counts },
        elapsedMs: Math.round(performance.now() - started)
      })
      if (request.signal?.aborted)
        throw new CancelledError(
          ctx.mode === 'compare'
            ? 'The pull was cancelled; the pages read so far are kept and the next pull reads the whole table again and compares it with the mirror (no change tracking).'
            : 'The pull was cancelled; the pages read so far are kept and the next pull continues from the last stored delta link.'
        )
    }
    return { rows }
  }
}

function decideMode(
  existing: MirrorRecord | undefined,
  mirroredRows: number,
  columns: string[],
  how: { full: boolean; tracked: boolean }
): { mode: PullMode; message?: string } {
  const { full, tracked } = how
  // No change tracking: there is no delta to read, so every pull compares everything.
  if (!tracked) return { mode: 'compare' }
  if (!existing) return { mode: 'initial' }
  const hasRows = mirroredRows > 0 || existing.deltaLink !== null
  if (full)
    return hasRows
      ? {
          mode: 'resync',
          message: 'A full pull was requested: every row was compared with the mirror.'
        }
      : { mode: 'initial' }
  if (!sameColumns(existing.columns, columns)) {
    const added = columns.filter((c) => !existing.columns.includes(c))
    const removed = existing.columns.filter((c) => !columns.includes(c))
    const what = [
      added.length ? `added ${added.join(', ')}` : '',
      removed.length ? `removed ${removed.join(', ')}` : ''
    ]
      .filter(Boolean)
      .join('; ')
    return {
      mode: hasRows ? 'resync' : 'initial',
      message: `The mirrored columns changed (${what}), so the whole table was read again to fill them.`
    }
  }
  if (existing.deltaLink) return { mode: 'delta' }
  // Tracking was turned on after full compares (the only reads that finish without a delta
  // link, so a pull time without one means them, a plan's own included): the mirror holds
  // every row already, and the first tracked read compares rather than reporting all created.
  if (hasRows && existing.lastPullAt !== null)
    return {
      mode: 'resync',
      message:
        'Change tracking is on now: this pull read every row once with tracking and compared it with the mirror the full compares kept; the next pulls read only what changed.'
    }
  return hasRows
    ? {
        mode: 'resync',
        message:
          'The previous pull did not finish; this one read the whole table and compared it with the mirror.'
      }
    : { mode: 'initial' }
}

/** What a full compare tells the admin: what it did, that it is slower, and the way out. */
function compareMessage(
  request: PullRequest,
  mirror: MirrorRecord,
  table: { canChangeTrackingBeEnabled: boolean } | undefined,
  rows: number
): string {
  const read = `Change tracking is off for ${mirror.tableName}: read all ${rows.toLocaleString('en-US')} ${rows === 1 ? 'row' : 'rows'} and compared them with the mirror`
  return table && !table.canChangeTrackingBeEnabled
    ? `${read} (slower than a delta; Dataverse does not allow change tracking on this table, so every pull is a full compare).`
    : `${read} (slower than a delta; turn on tracking with: dvsync tracking enable --env ${request.environment.name} --table ${mirror.tableName}, to pull only changes).`
}

/** Whether the columns asked for are the ones the mirror has (logical or _x_value names). */
function sameRequested(mirror: MirrorRecord, requested: readonly string[]): boolean {
  const asked = requested.map((c) => c.trim().toLowerCase())
  const known = asked.every(
    (c) =>
      mirror.columns.includes(c) || mirror.columns.includes(`_${c}_value`) || c === mirror.primaryId
  )
  const keyColumns = new Set(mirror.keys.flat())
  const extra = mirror.columns.filter(
    (c) =>
      !keyColumns.has(c) && !asked.includes(c) && !asked.includes(c.replace(/^_(.*)_value$/, '$1'))
  )
  return known && extra.length === 0
}

/** A readable key for the journal: the values of the table's first Active alternate key. */
function recordKeyOf(mirror: MirrorRecord): (values: Record<string, unknown>) => string | null {
  const key = mirror.recordKey
  if (!key) return () => null
  return (values) => {
    const parts = key.map((c) => values[c])
    return parts.every((p) => p === null || p === undefined)
      ? null
      : parts.map((p) => String(p ?? '')).join('|')
  }
}
