import type { RunKind, RunStatus } from '../../src-shared/model/run'
import type { RunCounts, RunFigures } from '../history/run-summary'
import type { TrendPoint } from '../history/trend'

/**
 * The run report: one versioned model every format is rendered from (CSV, JSON, HTML, PDF). A
 * header built from the run's record and a few aggregate queries, then the records streamed a
 * page at a time — a 100,000-record run is never held in memory. The JSON report is this model
 * as it is; run-report.schema.json beside this file describes it. Bump REPORT_VERSION on any
 * change a consumer could notice, and say what changed in the schema's description.
 */
export const REPORT_VERSION = 1

export interface ColumnChange {
  column: string
  before: unknown
  after: unknown
  /** What a person reads for a code or an id (a choice's label, a lookup's record), if known. */
  beforeLabel?: string
  afterLabel?: string
}

export interface ReportRecord {
  /** Order of the record in the run. */
  seq: number
  /** The source row (plan, apply), 1-based; null for records of a pull or missing from the source. */
  row: number | null
  /** Where in the source file, e.g. "line 12" or "Sheet1 row 12". */
  location: string | null
  key: string | null
  id: string | null
  /**
   * pull: created | updated | deleted; plan: create | update | unchanged | deactivate | delete |
   * skip | error; apply: create | update | deactivate | delete.
   */
  action: string
  /** apply: done | failed | conflict | excluded | already-applied; plan: the item's state; pull: null. */
  outcome: string | null
  /** Dataverse's error code (e.g. 0x80040237), or the HTTP status when it sent none. */
  errorCode: string | null
  errorMessage: string | null
  /** The columns the run changed (or proposed, or tried to), with before and after values. */
  changes: ColumnChange[]
  /** The whole record before and after the run, where the journal has it. */
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
}

export interface ReportRun {
  id: number
  kind: RunKind
  mode: string | null
  status: RunStatus
  environment: string | null
  table: string | null
  profile: string | null
  account: string | null
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
  message: string | null
  planId: number | null
}

export interface ReportSettings {
  /** A pull's mirrored columns, or a push's mapping as "source → column". */
  mapping: { source: string | null; column: string; lookup: string | null }[]
  key: string | null
  pushMode: string | null
  missing: string | null
  batchSize: number | null
  strategy: string | null
  force: boolean | null
  sourceFormat: string | null
  sheet: string | null
}

export interface RunReportHeader {
  version: typeof REPORT_VERSION
  generator: 'Dataverse Sync Studio'
  generatedAt: string
  run: ReportRun
  counts: RunCounts
  /** The engine's own counts, under its own names (e.g. a plan's create/update/error). */
  recordedCounts: Record<string, number>
  figures: RunFigures & { durationMs: number | null }
  /** The run's records, by action and by outcome ("none" for no outcome). */
  recordCounts: {
    total: number
    byAction: Record<string, number>
    byOutcome: Record<string, number>
  }
  /** The columns records are reported by (a pull's columns, a push's mapped columns). */
  columns: string[]
  settings: ReportSettings | null
  /** Recent runs of the same kind and table, this one last: for the timing chart. */
  trend: TrendPoint[]
}

export interface RecordQuery {
  /** Only records that failed, conflicted, or (plan) can't be applied. */
  problemsOnly?: boolean
  /** Records after this seq. */
  afterSeq?: number
  /** At most this many. */
  limit?: number
}

export interface RunReport {
  header: RunReportHeader
  /**
   * The records in seq order, read a page at a time with no statement left open between pages:
   * the caller may await (a stream's drain) between records while the app writes to the store.
   */
  records(query?: RecordQuery): Generator<ReportRecord>
}

export type ReportFormat = 'csv' | 'json' | 'html' | 'pdf'
export const REPORT_FORMATS: readonly ReportFormat[] = ['csv', 'json', 'html', 'pdf']
