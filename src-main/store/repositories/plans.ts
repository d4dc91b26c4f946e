import type Database from 'better-sqlite3'
import type { TableDetails } from '../../../src-shared/model/metadata'
import type {
  ColumnChange,
  ItemOutcome,
  PlanAction,
  PlanItem,
  PlanSummary,
  PushSettings
} from '../../../src-shared/model/push'
import { likeAny } from './like'

/** The table as the plan saw it, so the apply needs no metadata round trips. */
export interface PlanDetails {
  table: TableDetails
  /** Whether CreateMultiple/UpdateMultiple (and UpsertMultiple) exist for the table. */
  bulk: boolean
}

/** The table as the plan saw it, so the apply needs no metadata round trips. */
export interface PlanDetails {
  table: TableDetails
  /** Whether CreateMultiple/UpdateMultiple (and UpsertMultiple) exist for the table. */
  bulk: boolean
}

/** What the planner writes per item; payload and key values drive the apply. */
export interface NewPlanItem {
  seq: number
  row: number | null
  location: string | null
  recordId: string | null
  key: string | null
  keyValues: Record<string, unknown> | null
  action: PlanAction
  changes: Record<string, ColumnChange>
  payload: PlanPayload | null
  etag: string | null
  error: string | null
}

/** The body of a write: column values, and lookups as `<nav>@odata.bind` paths. */
export interface PlanPayload {
  values: Record<string, unknown>
  binds: Record<string, string>
}

/** A stored item with what the apply needs. */
export interface StoredPlanItem extends PlanItem {
  keyValues: Record<string, unknown> | null
  payload: PlanPayload | null
  etag: string | null
}

interface ItemRow {
  seq: number
  source_row: number | null
  location: string | null
  record_id: string | null
  record_key: string | null
  key_values: string | null
  action: PlanAction
  changes: string
  payload: string | null
  etag: string | null
  error: string | null
  excluded: number
  outcome: ItemOutcome
  outcome_code: string | null
  outcome_message: string | null
}

interface PlanRow {
  id: number
  run_id: number | null
  environment_id: number
  table_name: string
  status: PlanSummary['status']
  settings: string
  counts: string
  created_at: string
}

const toItem = (r: ItemRow): StoredPlanItem => ({
  seq: r.seq,
  row: r.source_row,
  location: r.location,
  recordId: r.record_id,
  key: r.record_key,
  keyValues: r.key_values ? (JSON.parse(r.key_values) as Record<string, unknown>) : null,
  action: r.action,
  changes: JSON.parse(r.changes) as Record<string, ColumnChange>,
  payload: r.payload ? (JSON.parse(r.payload) as PlanPayload) : null,
  etag: r.etag,
  error: r.error,
  excluded: r.excluded === 1,
  outcome: r.outcome,
  outcomeCode: r.outcome_code,
  outcomeMessage: r.outcome_message
})

/** Items read per query by the paged readers. */
const PAGE = 500

export interface ItemFilter {
  actions?: readonly PlanAction[]
  outcomes?: readonly ItemOutcome[]
  /** Only excluded (true) or only included (false) items; both when omitted. */
  excluded?: boolean
  /** Rows in seq order after this seq (paging). */
  afterSeq?: number
  limit?: number
}

/** Which of a plan's items a page of the preview holds. */
export interface PlanItemQuery {
  actions?: readonly PlanAction[] | undefined
  /** Matches the key, record id, location, a changed value or the error (case-insensitive). */
  search?: string | undefined
}

function pageWhere(planId: number, query: PlanItemQuery): { sql: string; params: unknown[] } {
  const where = ['plan_id = ?']
  const params: unknown[] = [planId]
  if (query.actions?.length) {
    where.push(`action IN (${query.actions.map(() => '?').join(', ')})`)
    params.push(...query.actions)
  }
  const search = query.search?.trim()
  if (search) {
    const like = likeAny(['record_key', 'record_id', 'location', 'changes', 'error'], search)
    where.push(like.sql)
    params.push(...like.params)
  }
  return { sql: where.join(' AND '), params }
}

/** Plans (previews) and their items, which double as the apply journal. */
export class PlanRepository {
  private readonly insert: Database.Statement

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO plan_items (plan_id, seq, source_row, location, record_id, record_key, key_values, action, changes, payload, etag, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
  }

  create(plan: {
    runId: number | null
    environmentId: number
    table: string
    settings: PushSettings
    details: PlanDetails
  }): number {
    const info = this.db
      .prepare(
        `INSERT INTO plans (run_id, environment_id, table_name, status, settings, details, created_at) VALUES (?, ?, ?, 'ready', ?, ?, ?)`
      )
      .run(
        plan.runId,
        plan.environmentId,
        plan.table,
        JSON.stringify(plan.settings),
        JSON.stringify(plan.details),
        new Date().toISOString()
      )
    return Number(info.lastInsertRowid)
  }

  details(planId: number): PlanDetails | undefined {
    const row = this.db.prepare('SELECT details FROM plans WHERE id = ?').get(planId) as
      { details: string } | undefined
    return row ? (JSON.parse(row.details) as PlanDetails) : undefined
  }

  addItem(planId: number, item: NewPlanItem): void {
    this.insert.run(
      planId,
      item.seq,
      item.row,
      item.location,
      item.recordId,
      item.key,
      item.keyValues ? JSON.stringify(item.keyValues) : null,
      item.action,
      JSON.stringify(item.changes),
      item.payload ? JSON.stringify(item.payload) : null,
      item.etag,
      item.error
    )
  }

  /** Turns an item into an error row (e.g. the first of two rows with the same key). */
  markError(planId: number, seq: number, error: string): PlanAction | undefined {
    const row = this.db
      .prepare('SELECT action FROM plan_items WHERE plan_id = ? AND seq = ?')
      .get(planId, seq) as { action: PlanAction } | undefined
    this.db
      .prepare(
        `UPDATE plan_items SET action = 'error', error = ?, payload = NULL WHERE plan_id = ? AND seq = ?`
      )
      .run(error, planId, seq)
    return row?.action
  }

  setCounts(planId: number, counts: Record<string, number>): void {
    this.db.prepare('UPDATE plans SET counts = ? WHERE id = ?').run(JSON.stringify(counts), planId)
  }

  setStatus(planId: number, status: PlanSummary['status']): void {
    this.db.prepare('UPDATE plans SET status = ? WHERE id = ?').run(status, planId)
  }

  /**
   * Plans left 'applying' with no apply run still running (the process was killed; its run was
   * closed as interrupted) become 'partial': an apply of them resumes where the journal stopped.
   * Returns how many.
   */
  settleInterrupted(): number {
    return this.db
      .prepare(
        `UPDATE plans SET status = 'partial' WHERE status = 'applying' AND NOT EXISTS (
           SELECT 1 FROM runs r WHERE r.kind = 'apply' AND r.status = 'running'
             AND json_extract(r.details, '$.planId') = plans.id)`
      )
      .run().changes
  }

  get(planId: number): PlanSummary | undefined {
    const row = this.db.prepare('SELECT * FROM plans WHERE id = ?').get(planId) as
      PlanRow | undefined
    if (!row) return undefined
    return {
      planId: row.id,
      environmentId: row.environment_id,
      table: row.table_name,
      status: row.status,
      createdAt: row.created_at,
      settings: JSON.parse(row.settings) as PushSettings,
      counts: JSON.parse(row.counts) as PlanSummary['counts']
    }
  }

  runIdOf(planId: number): number | null {
    return (
      (
        this.db.prepare('SELECT run_id FROM plans WHERE id = ?').get(planId) as
          { run_id: number | null } | undefined
      )?.run_id ?? null
    )
  }

  /** Items in source order, streamed (a plan may hold a million). */
  *items(planId: number, filter: ItemFilter = {}): Generator<StoredPlanItem> {
    const where = ['plan_id = ?']
    const params: unknown[] = [planId]
    if (filter.actions?.length) {
      where.push(`action IN (${filter.actions.map(() => '?').join(', ')})`)
      params.push(...filter.actions)
    }
    if (filter.outcomes?.length) {
      where.push(`outcome IN (${filter.outcomes.map(() => '?').join(', ')})`)
      params.push(...filter.outcomes)
    }
    if (filter.excluded !== undefined) {
      where.push('excluded = ?')
      params.push(filter.excluded ? 1 : 0)
    }
    where.push('seq > ?')
    const statement = this.db.prepare(
      `SELECT * FROM plan_items WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`
    )
    // Read a page at a time and close the read before yielding: a caller may write to the store
    // (or await while others do) between items, and SQLite can't write while a read is open.
    let remaining = filter.limit ?? Number.POSITIVE_INFINITY
    let after = filter.afterSeq ?? 0
    while (remaining > 0) {
      const page = statement.all(...params, after, Math.min(PAGE, remaining)) as ItemRow[]
      for (const row of page) yield toItem(row)
      if (page.length < Math.min(PAGE, remaining)) return
      remaining -= page.length
      after = page.at(-1)!.seq
    }
  }

  /** Excludes (or includes again) the items of the given source rows; returns how many changed. */
  setExcluded(planId: number, rows: readonly number[], excluded: boolean): number {
    const statement = this.db.prepare(
      'UPDATE plan_items SET excluded = ? WHERE plan_id = ? AND source_row = ?'
    )
    return this.db.transaction(() =>
      rows.reduce((n, row) => n + statement.run(excluded ? 1 : 0, planId, row).changes, 0)
    )()
  }

  /** Excludes (or includes again) items by seq, whether or not they have a source row. */
  setExcludedItems(planId: number, seqs: readonly number[], excluded: boolean): number {
    const statement = this.db.prepare(
      'UPDATE plan_items SET excluded = ? WHERE plan_id = ? AND seq = ? AND excluded <> ?'
    )
    const flag = excluded ? 1 : 0
    return this.db.transaction(() =>
      seqs.reduce((n, seq) => n + statement.run(flag, planId, seq, flag).changes, 0)
    )()
  }

  /**
   * One page of a plan's items for the preview, filtered, in seq order (paged in SQL over the
   * (plan_id, seq) index: a 100,000-item plan pages without being read whole).
   */
  itemsPage(planId: number, query: PlanItemQuery, offset: number, limit: number): StoredPlanItem[] {
    const { sql, params } = pageWhere(planId, query)
    return (
      this.db
        .prepare(`SELECT * FROM plan_items WHERE ${sql} ORDER BY seq LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as ItemRow[]
    ).map(toItem)
  }

  countItems(planId: number, query: PlanItemQuery = {}): number {
    const { sql, params } = pageWhere(planId, query)
    return (
      this.db.prepare(`SELECT count(*) AS n FROM plan_items WHERE ${sql}`).get(...params) as {
        n: number
      }
    ).n
  }

  /** Items per action, and how many of them are excluded, as the plan is now. */
  actionCounts(planId: number): { action: PlanAction; total: number; excluded: number }[] {
    return this.db
      .prepare(
        'SELECT action, count(*) AS total, sum(excluded) AS excluded FROM plan_items WHERE plan_id = ? GROUP BY action'
      )
      .all(planId) as { action: PlanAction; total: number; excluded: number }[]
  }

  setOutcome(
    planId: number,
    seqs: readonly number[],
    outcome: ItemOutcome,
    code: string | null = null,
    message: string | null = null
  ): void {
    const statement = this.db.prepare(
      'UPDATE plan_items SET outcome = ?, outcome_code = ?, outcome_message = ? WHERE plan_id = ? AND seq = ?'
    )
    for (const seq of seqs) statement.run(outcome, code, message, planId, seq)
  }

  outcomeCounts(planId: number): Record<string, number> {
    const rows = this.db
      .prepare(
        'SELECT action, outcome, count(*) AS n FROM plan_items WHERE plan_id = ? GROUP BY action, outcome'
      )
      .all(planId) as { action: string; outcome: string; n: number }[]
    const out: Record<string, number> = {}
    for (const r of rows) out[`${r.action}:${r.outcome}`] = r.n
    return out
  }

  /**
   * The newest plan made after this one for the same environment and table, if any: applying an
   * older plan then writes what an earlier preview saw (issue 12, item 5).
   */
  newerThan(planId: number): PlanSummary | undefined {
    const row = this.db
      .prepare(
        `SELECT n.id FROM plans n JOIN plans p ON p.id = ?
         WHERE n.environment_id = p.environment_id AND n.table_name = p.table_name AND n.id > p.id
         ORDER BY n.id DESC LIMIT 1`
      )
      .get(planId) as { id: number } | undefined
    return row ? this.get(row.id) : undefined
  }

  list(environmentId?: number, limit = 50): PlanSummary[] {
    const ids = (
      environmentId === undefined
        ? this.db.prepare('SELECT id FROM plans ORDER BY id DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT id FROM plans WHERE environment_id = ? ORDER BY id DESC LIMIT ?')
            .all(environmentId, limit)
    ) as { id: number }[]
    return ids.map((r) => this.get(r.id)!)
  }
}
