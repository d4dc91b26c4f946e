import type Database from 'better-sqlite3'
import type { RunItem, RunKind, RunRecord, RunStatus } from '../../../src-shared/model/run'
import { likeAny } from './like'

interface RunRow {
  id: number
  kind: RunKind
  mode: string | null
  status: RunStatus
  environment_id: number | null
  environment_name: string | null
  table_name: string | null
  profile_name: string | null
  account: string | null
  started_at: string
  finished_at: string | null
  counts: string
  figures: string
  message: string | null
  details: string
  parent_run_id: number | null
}

/** A run_items row as SQLite returns it. */
export interface ItemRow {
  seq: number
  record_id: string | null
  record_key: string | null
  action: string
  outcome: string | null
  before: string | null
  after: string | null
  error_code: string | null
  error_message: string | null
}

const toRun = (row: RunRow): RunRecord => ({
  id: row.id,
  kind: row.kind,
  mode: row.mode,
  status: row.status,
  environmentId: row.environment_id,
  environmentName: row.environment_name,
  tableName: row.table_name,
  profileName: row.profile_name,
  account: row.account,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  counts: JSON.parse(row.counts) as Record<string, number>,
  figures: JSON.parse(row.figures) as Record<string, number>,
  message: row.message,
  details: JSON.parse(row.details) as Record<string, unknown>,
  parentRunId: row.parent_run_id
})

const parse = (text: string | null): Record<string, unknown> | null =>
  text === null ? null : (JSON.parse(text) as Record<string, unknown>)

const toItem = (row: ItemRow): RunItem => ({
  seq: row.seq,
  recordId: row.record_id,
  recordKey: row.record_key,
  action: row.action,
  outcome: row.outcome,
  before: parse(row.before),
  after: parse(row.after),
  errorCode: row.error_code,
  errorMessage: row.error_message
})

export interface NewRun {
  kind: RunKind
  mode?: string | null
  environmentId?: number | null
  environmentName?: string | null
  tableName?: string | null
  profileName?: string | null
  account?: string | null
  details?: Record<string, unknown>
  /** The run this one is part of (a plan's delta pull). */
  parentRunId?: number | null
}

/** A run item as the engines write it: values already serialised once (they are large). */
export interface NewRunItem {
  seq: number
  recordId?: string | null
  recordKey?: string | null
  action: string
  outcome?: string | null
  before?: string | null
  after?: string | null
  errorCode?: string | null
  errorMessage?: string | null
}

/** Which of a run's items a page holds: by action, outcome and text. */
export interface RunItemFilter {
  actions?: readonly string[] | undefined
  outcomes?: readonly string[] | undefined
  /** Matches the record id, the key, a before/after value or the error (case-insensitive). */
  search?: string | undefined
}

function itemWhere(runId: number, filter: RunItemFilter): { sql: string; params: unknown[] } {
  const where = ['run_id = ?']
  const params: unknown[] = [runId]
  if (filter.actions?.length) {
    where.push(`action IN (${filter.actions.map(() => '?').join(', ')})`)
    params.push(...filter.actions)
  }
  if (filter.outcomes?.length) {
    where.push(`outcome IN (${filter.outcomes.map(() => '?').join(', ')})`)
    params.push(...filter.outcomes)
  }
  const search = filter.search?.trim()
  if (search) {
    const like = likeAny(['record_id', 'record_key', 'before', 'after', 'error_message'], search)
    where.push(like.sql)
    params.push(...like.params)
  }
  return { sql: where.join(' AND '), params }
}

/** The run journal: runs, their figures, and what happened to each record. */
export class RunRepository {
  private readonly insertItem: Database.Statement

  constructor(private readonly db: Database.Database) {
    this.insertItem = db.prepare(
      `INSERT OR REPLACE INTO run_items (run_id, seq, record_id, record_key, action, outcome, before, after, error_code, error_message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
  }

  start(run: NewRun): number {
    const info = this.db
      .prepare(
        `INSERT INTO runs (kind, mode, status, environment_id, environment_name, table_name, profile_name, account, started_at, details, parent_run_id)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`
      )
      .run(
        run.kind,
        run.mode ?? null,
        run.environmentId ?? null,
        run.environmentName ?? null,
        run.tableName ?? null,
        run.profileName ?? null,
        run.account ?? null,
        new Date().toISOString(),
        JSON.stringify({ pid: process.pid, ...run.details }),
        run.parentRunId ?? null
      )
    return Number(info.lastInsertRowid)
  }

  /** Files a run under the run it was part of (a pull made before its apply's run began). */
  setParent(id: number, parentRunId: number): void {
    this.db.prepare('UPDATE runs SET parent_run_id = ? WHERE id = ?').run(parentRunId, id)
  }

  /** The runs filed under a run (its delta pulls), oldest first. */
  parts(parentRunId: number): RunRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM runs WHERE parent_run_id = ? ORDER BY id')
        .all(parentRunId) as RunRow[]
    ).map(toRun)
  }

  /** Counts and figures so far; written with each page so a crash keeps what was done. */
  progress(id: number, counts: Record<string, number>, figures: object, mode?: string): void {
    this.db
      .prepare('UPDATE runs SET counts = ?, figures = ?, mode = coalesce(?, mode) WHERE id = ?')
      .run(JSON.stringify(counts), JSON.stringify(figures), mode ?? null, id)
  }

  finish(
    id: number,
    status: RunStatus,
    message?: string | null,
    details?: Record<string, unknown>
  ): void {
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, message = ?, details = coalesce(?, details) WHERE id = ?`
      )
      .run(
        status,
        new Date().toISOString(),
        message ?? null,
        details ? JSON.stringify(details) : null,
        id
      )
  }

  /** Adds members to a run's details (what its export covered), keeping the others. */
  mergeDetails(id: number, details: Record<string, unknown>): void {
    this.db
      .prepare('UPDATE runs SET details = json_patch(details, ?) WHERE id = ?')
      .run(JSON.stringify(details), id)
  }

  addItem(runId: number, item: NewRunItem): void {
    this.insertItem.run(
      runId,
      item.seq,
      item.recordId ?? null,
      item.recordKey ?? null,
      item.action,
      item.outcome ?? null,
      item.before ?? null,
      item.after ?? null,
      item.errorCode ?? null,
      item.errorMessage ?? null
    )
  }

  get(id: number): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined
    return row && toRun(row)
  }

  /** Runs of their own, newest first (a plan's delta pulls are listed with the plan: parts()). */
  list(
    filter: { limit?: number; kind?: RunKind; environmentId?: number; tableName?: string } = {}
  ): RunRecord[] {
    const where: string[] = ['parent_run_id IS NULL']
    const params: unknown[] = []
    const add = (clause: string, value: unknown): void => {
      where.push(clause)
      params.push(value)
    }
    if (filter.kind) add('kind = ?', filter.kind)
    if (filter.environmentId !== undefined) add('environment_id = ?', filter.environmentId)
    if (filter.tableName) add('table_name = ?', filter.tableName)
    const sql = `SELECT * FROM runs WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`
    return (this.db.prepare(sql).all(...params, filter.limit ?? 50) as RunRow[]).map(toRun)
  }

  /** The latest run of a kind for a table, e.g. the last pull to show its changes. */
  latest(kind: RunKind, environmentId: number, tableName: string): RunRecord | undefined {
    const row = this.db
      .prepare(
        'SELECT * FROM runs WHERE kind = ? AND environment_id = ? AND table_name = ? ORDER BY id DESC LIMIT 1'
      )
      .get(kind, environmentId, tableName) as RunRow | undefined
    return row && toRun(row)
  }

  /**
   * The latest pull of a table that changed something (created, updated or deleted a record),
   * a plan's own pull included; the latest pull when none did. What `dvsync changes` shows.
   */
  latestPullWithChanges(environmentId: number, tableName: string): RunRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM runs WHERE kind = 'pull' AND environment_id = ? AND table_name = ?
          ORDER BY (coalesce(json_extract(counts, '$.created'), 0) + coalesce(json_extract(counts, '$.updated'), 0)
                    + coalesce(json_extract(counts, '$.deleted'), 0)) > 0 DESC, id DESC LIMIT 1`
      )
      .get(environmentId, tableName) as RunRow | undefined
    return row && toRun(row)
  }

  /**
   * Runs of a kind whose details name a value, newest first: the applies of a plan
   * (`'apply', 'planId', 7`), the undos of an apply (`'undo', 'undoes', 12`).
   */
  idsByDetail(kind: RunKind, field: 'planId' | 'undoes', value: number): number[] {
    return (
      this.db
        .prepare(
          `SELECT id FROM runs WHERE kind = ? AND json_extract(details, '$.' || ?) = ? ORDER BY id DESC LIMIT 100`
        )
        .all(kind, field, value) as { id: number }[]
    ).map((r) => r.id)
  }

  /** A run's items in order, streamed (a run may hold a million of them). */
  *items(runId: number, actions?: readonly string[]): Generator<RunItem> {
    const filter = actions?.length ? `AND action IN (${actions.map(() => '?').join(', ')})` : ''
    const statement = this.db.prepare(
      `SELECT * FROM run_items WHERE run_id = ? AND seq > ? ${filter} ORDER BY seq LIMIT 500`
    )
    // A page at a time, the read closed before yielding: callers export while the app writes,
    // and SQLite can't write while a read is open on the connection.
    for (let after = 0; ;) {
      const page = statement.all(runId, after, ...(actions ?? [])) as ItemRow[]
      for (const row of page) yield toItem(row)
      if (page.length < 500) return
      after = page.at(-1)!.seq
    }
  }

  /**
   * One page of a run's items, filtered, in seq order: paged in SQL over the (run_id, seq) index,
   * so the 100th page of a million items costs about what the first does. For the screens.
   */
  itemsPage(runId: number, filter: RunItemFilter, offset: number, limit: number): RunItem[] {
    const { sql, params } = itemWhere(runId, filter)
    return (
      this.db
        .prepare(`SELECT * FROM run_items WHERE ${sql} ORDER BY seq LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as ItemRow[]
    ).map(toItem)
  }

  /** How many of a run's items match the filter (all of them without one). */
  countItems(runId: number, filter: RunItemFilter = {}): number {
    const { sql, params } = itemWhere(runId, filter)
    return (
      this.db.prepare(`SELECT count(*) AS n FROM run_items WHERE ${sql}`).get(...params) as {
        n: number
      }
    ).n
  }

  /** A run's items counted by action (created/updated/deleted, create/update/…). */
  countsByAction(runId: number): Record<string, number> {
    const rows = this.db
      .prepare('SELECT action, count(*) AS n FROM run_items WHERE run_id = ? GROUP BY action')
      .all(runId) as { action: string; n: number }[]
    return Object.fromEntries(rows.map((r) => [r.action, r.n]))
  }

  /** A run's items counted by outcome (done, failed, conflict, excluded, already-applied). */
  countsByOutcome(runId: number): Record<string, number> {
    const rows = this.db
      .prepare(
        "SELECT coalesce(outcome, '') AS outcome, count(*) AS n FROM run_items WHERE run_id = ? GROUP BY outcome"
      )
      .all(runId) as { outcome: string; n: number }[]
    return Object.fromEntries(rows.filter((r) => r.outcome).map((r) => [r.outcome, r.n]))
  }

  itemCount(runId: number): number {
    return (
      this.db.prepare('SELECT count(*) AS n FROM run_items WHERE run_id = ?').get(runId) as {
        n: number
      }
    ).n
  }

  /**
   * Runs left 'running' by a process that is gone (killed, crashed, power cut) become
   * 'interrupted', so history never shows a run as live forever. A run of another live process
   * (the app and a scheduled dvsync can share a data folder) is left alone.
   */
  markInterrupted(isAlive: (pid: number) => boolean): number {
    const rows = this.db.prepare("SELECT id, details FROM runs WHERE status = 'running'").all() as {
      id: number
      details: string
    }[]
    let n = 0
    for (const row of rows) {
      const pid = (JSON.parse(row.details) as { pid?: unknown }).pid
      if (typeof pid === 'number' && isAlive(pid)) continue
      this.finish(
        row.id,
        'interrupted',
        'The process stopped before the run finished; what it recorded is kept.'
      )
      n += 1
    }
    return n
  }
}
