/**
 * Pushing external rows into Dataverse: how source columns map to table columns, how records are
 * matched, what a plan proposes for each row, and what applying it did.
 */
export type PushMode = 'upsert' | 'create' | 'update'
export type MissingRows = 'ignore' | 'deactivate' | 'delete'
export type ApplyStrategy = 'auto' | 'bulk' | 'batch' | 'single'

export interface LookupMapping {
  /** The table the lookup points at, e.g. 'account'. */
  table: string
  /** Columns of one of that table's alternate keys, e.g. ['accountnumber']. */
  keyColumns: string[]
  /** Source columns holding the key values, in keyColumns order (default: the mapping's source). */
  sourceColumns?: string[]
}

/**
 * What an empty source cell (blank, only spaces, or null) does to its column: leave the column
 * as it is (`ignore`, the default: a blank column in an export is not a wish to wipe data),
 * `clear` it to null, or write a fixed `default` value instead.
 */
export type EmptyValueRule = 'ignore' | 'clear' | 'default'

export interface ColumnMapping {
  /** Source column name (CSV header, JSON property, XLSX header). */
  source: string
  /** Dataverse column logical name. */
  target: string
  lookup?: LookupMapping
  /** This column's rule for empty cells; the profile's `emptyValues` otherwise. */
  empty?: EmptyValueRule
  /** The value written for an empty cell when `empty` is 'default', read like a source value. */
  emptyDefault?: string
}

/** How records are matched: by an alternate key's columns, or by the primary id. */
export type MatchKey = { kind: 'alternate'; name: string; columns: string[] } | { kind: 'primary' }

export interface SourceSettings {
  file: string
  format?: 'csv' | 'json' | 'ndjson' | 'xlsx'
  delimiter?: string
  encoding?: string
  sheet?: string
}

/** Everything a push needs besides the environment; what a push profile stores. */
export interface PushSettings {
  table: string
  key: MatchKey
  mapping: ColumnMapping[]
  mode: PushMode
  missing: MissingRows
  /** Records per bulk request or $batch (reference §4.2: 100–1,000). */
  batchSize: number
  /** Most requests at once; never above the server's x-ms-dop-hint. */
  parallelism?: number
  strategy: ApplyStrategy
  /** Date-times without an offset are read in this IANA time zone (default UTC). */
  timeZone: string
  decimalSeparator: '.' | ','
  /** Empty cells of columns without a rule of their own: ignore (default) or clear. */
  emptyValues?: Exclude<EmptyValueRule, 'default'>
  /** The plan warns when it would clear a column in more than this share of rows (default 10). */
  clearWarningPercent?: number
}

export const PLAN_ACTIONS = [
  'create',
  'update',
  'unchanged',
  'deactivate',
  'delete',
  'skip',
  'error'
] as const
export type PlanAction = (typeof PLAN_ACTIONS)[number]

/** Counts per action, every action present (zero until counted). */
export const zeroPlanCounts = (): Record<PlanAction, number> =>
  Object.fromEntries(PLAN_ACTIONS.map((action) => [action, 0])) as Record<PlanAction, number>
export type ItemOutcome = 'pending' | 'sending' | 'done' | 'failed' | 'conflict' | 'excluded'

export interface ColumnChange {
  from: unknown
  to: unknown
  /**
   * What a person reads for the value, where it is a code or an id: a choice's label
   * ("Services"), a lookup's record ("Contoso Ltd (ACC-00030)"). The value itself stays beside it.
   */
  fromLabel?: string
  toLabel?: string
}

export interface PlanItem {
  seq: number
  /** 1-based source row; null for mirror records missing from the source. */
  row: number | null
  location: string | null
  recordId: string | null
  /** Readable key, e.g. "PRD-0000042" or "Joe|joe@example.com". */
  key: string | null
  action: PlanAction
  changes: Record<string, ColumnChange>
  error: string | null
  excluded: boolean
  outcome: ItemOutcome
  outcomeCode: string | null
  outcomeMessage: string | null
}

export interface PlanSummary {
  planId: number
  environmentId: number
  table: string
  status: 'ready' | 'applying' | 'applied' | 'partial'
  createdAt: string
  settings: PushSettings
  counts: Record<PlanAction, number>
}
