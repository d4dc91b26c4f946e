import { z } from 'zod'
import { EnvironmentId, IsoDateTime, RunId, ScalarValue, TableName } from './common'
import { RunKind, RunState } from './pulls'

/** The run history (every kind), a run's details and records, charts, compare, reports, prune. */
export const RunSummary = z
  .object({
    runId: RunId,
    kind: RunKind,
    mode: z.string().nullable(),
    state: RunState,
    environmentId: EnvironmentId.nullable(),
    environmentName: z.string().nullable(),
    table: z.string().nullable(),
    profileName: z.string().nullable(),
    account: z.string().nullable(),
    startedAt: IsoDateTime,
    finishedAt: IsoDateTime.nullable(),
    /** From start to finish; null while the run is going. */
    durationMs: z.number().nonnegative().nullable(),
    /** Under the same names for every kind: created, updated, deactivated, deleted, unchanged, failed, conflicts, skipped, alreadyApplied. */
    counts: z.record(z.string(), z.number()),
    /** Requests, retries, throttling waits… */
    figures: z.record(z.string(), z.number()),
    /** Records the run changed or reported on (every count but unchanged). */
    records: z.number().int().nonnegative(),
    /** failed + conflicts: what an admin has to look at. */
    problems: z.number().int().nonnegative(),
    /** The plan a plan or undo run made, or the plan an apply applied. */
    planId: z.number().int().positive().nullable(),
    message: z.string().nullable()
  })
  .strict()
export type RunSummary = z.infer<typeof RunSummary>

const Filter = {
  kind: RunKind.optional(),
  environmentId: EnvironmentId.optional(),
  table: TableName.optional(),
  profile: z.string().trim().min(1).max(1000).optional(),
  status: RunState.optional(),
  /** Runs started at or after this time (ISO). */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Runs started before this time (ISO). */
  to: z.iso.datetime({ offset: true }).optional()
}

export const ListRunsInput = z
  .object({
    ...Filter,
    /** Paging: only runs older than this one (newest first). */
    beforeId: RunId.optional(),
    limit: z.number().int().min(1).max(1000).optional()
  })
  .strict()
export type ListRunsInput = z.infer<typeof ListRunsInput>

export const RunDetails = RunSummary.extend({
  /** An undo run: the apply it reverts. */
  undoes: RunId.nullable(),
  /** Undo runs made for this apply, newest first. */
  undoneBy: z.array(RunId),
  /** The run's records by action and by outcome (the journal; a plan's items for plan/undo runs). */
  itemCounts: z.record(z.string(), z.number().int().nonnegative()),
  outcomeCounts: z.record(z.string(), z.number().int().nonnegative()),
  /** Where its records are: the run journal, or (plan and undo runs) its plan in the Preview. */
  itemsIn: z.enum(['journal', 'plan']),
  /** An apply that wrote something, in an environment that still exists. */
  canUndo: z.boolean(),
  /** The delta pulls this run made first to bring the mirror up to date (its parts). */
  parts: z.array(
    z
      .object({
        runId: RunId,
        table: z.string().nullable(),
        mode: z.string().nullable(),
        created: z.number().int().nonnegative(),
        updated: z.number().int().nonnegative(),
        deleted: z.number().int().nonnegative()
      })
      .strict()
  )
}).strict()
export type RunDetails = z.infer<typeof RunDetails>

export const RunItemsInput = z
  .object({
    runId: RunId,
    actions: z.array(z.string().max(32)).max(16).optional(),
    outcomes: z.array(z.string().max(32)).max(16).optional(),
    search: z.string().trim().max(200).optional(),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(1000)
  })
  .strict()
export type RunItemsInput = z.infer<typeof RunItemsInput>

export const RunItemView = z
  .object({
    seq: z.number().int(),
    recordId: z.string().nullable(),
    recordKey: z.string().nullable(),
    action: z.string(),
    outcome: z.string().nullable(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    /** Each column's value before and after (changed ones flagged). */
    columns: z.array(
      z
        .object({
          column: z.string(),
          before: ScalarValue,
          after: ScalarValue,
          changed: z.boolean()
        })
        .strict()
    )
  })
  .strict()
export type RunItemView = z.infer<typeof RunItemView>

export const RunItemsPage = z
  .object({
    runId: RunId,
    total: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    items: z.array(RunItemView)
  })
  .strict()
export type RunItemsPage = z.infer<typeof RunItemsPage>

export const TrendInput = z
  .object({ ...Filter, limit: z.number().int().min(1).max(500).optional() })
  .strict()

export const TrendPoint = z
  .object({
    runId: RunId,
    kind: RunKind,
    status: RunState,
    startedAt: IsoDateTime,
    records: z.number(),
    created: z.number(),
    updated: z.number(),
    deactivated: z.number(),
    deleted: z.number(),
    failed: z.number(),
    conflicts: z.number(),
    problems: z.number(),
    durationMs: z.number().nullable(),
    requests: z.number(),
    retries: z.number(),
    throttleWaitMs: z.number(),
    requestFailures: z.number()
  })
  .strict()
export type TrendPoint = z.infer<typeof TrendPoint>

export const CompareRunsInput = z
  .object({
    a: RunId,
    b: RunId,
    offset: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(1000).optional()
  })
  .strict()

const SideBySide = z
  .object({
    name: z.string(),
    a: z.number().nullable(),
    b: z.number().nullable(),
    delta: z.number().nullable()
  })
  .strict()
const RecordSide = z
  .object({ action: z.string(), outcome: z.string().nullable(), error: z.string().nullable() })
  .strict()
  .nullable()

export const RunComparison = z
  .object({
    a: RunSummary,
    b: RunSummary,
    counts: z.array(SideBySide),
    figures: z.array(SideBySide),
    records: z
      .object({
        onlyInA: z.number().int(),
        onlyInB: z.number().int(),
        different: z.number().int(),
        total: z.number().int(),
        truncated: z.boolean(),
        items: z.array(
          z
            .object({
              record: z.string(),
              difference: z.enum(['only-in-a', 'only-in-b', 'different']),
              columns: z.array(z.string()),
              a: RecordSide,
              b: RecordSide
            })
            .strict()
        )
      })
      .strict()
  })
  .strict()
export type RunComparison = z.infer<typeof RunComparison>

export const REPORT_FORMATS = ['csv', 'json', 'html', 'pdf'] as const

export const ExportReportInput = z.object({ runId: RunId, format: z.enum(REPORT_FORMATS) }).strict()

export const ReportExported = z
  .object({
    /** Null when the admin cancelled the save dialog. */
    file: z.string().nullable(),
    format: z.enum(REPORT_FORMATS),
    records: z.number().int().nonnegative(),
    totalRecords: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative()
  })
  .strict()

export const PruneInput = z
  .object({
    olderThanDays: z.number().int().min(0).max(100_000).optional(),
    keep: z.number().int().min(0).max(1_000_000).optional(),
    dryRun: z.boolean()
  })
  .strict()

export const PruneView = z
  .object({
    dryRun: z.boolean(),
    runs: z.array(RunId),
    items: z.number().int().nonnegative(),
    plans: z.number().int().nonnegative(),
    planItems: z.number().int().nonnegative(),
    /** Runs the rules matched but that were kept: still running, or a plan not applied yet. */
    protectedRuns: z.number().int().nonnegative()
  })
  .strict()
export type PruneView = z.infer<typeof PruneView>
