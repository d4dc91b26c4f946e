import { z } from 'zod'
import { EnvironmentId, IsoDateTime, RunId, ScalarValue, TableName } from './common'

/** Pulls (change tracking into the mirror) and the changes each one recorded. */
export const PULL_ACTIONS = ['created', 'updated', 'deleted'] as const
export const PullAction = z.enum(PULL_ACTIONS)
export type PullAction = z.infer<typeof PullAction>

export const RunState = z.enum(['running', 'completed', 'failed', 'cancelled', 'interrupted'])
export type RunState = z.infer<typeof RunState>

export const RunKind = z.enum(['pull', 'plan', 'apply', 'undo'])

const Counts = z.record(z.string(), z.number().int().nonnegative())

/**
 * Live progress of a long run (the `run:progress` event). Pulls fill what they know; apply runs
 * (issue 5/6) add a total, a rate and throttling waits in the same shape.
 */
export const RunProgress = z
  .object({
    runId: RunId,
    kind: RunKind,
    environmentId: EnvironmentId.nullable(),
    table: z.string().nullable(),
    state: RunState,
    mode: z.string().nullable(),
    /** Records processed so far (rows read, for a pull). */
    done: z.number().int().nonnegative(),
    /** Records expected, when known (a pull doesn't know its total). */
    total: z.number().int().nonnegative().nullable(),
    pages: z.number().int().nonnegative(),
    counts: Counts,
    elapsedMs: z.number().int().nonnegative(),
    /** Records per second so far. */
    rate: z.number().nonnegative(),
    /** Time left at the current rate, when the total is known. */
    etaMs: z.number().int().nonnegative().nullable(),
    /** Time spent waiting out throttling (429 Retry-After) so far; null when not measured. */
    throttleWaitMs: z.number().int().nonnegative().nullable(),
    /** Why it ended as it did (failed, cancelled, a resync instead of a delta…). */
    message: z.string().nullable(),
    /** An apply paused by the admin: it waits between requests until resumed. */
    paused: z.boolean().optional()
  })
  .strict()
export type RunProgress = z.infer<typeof RunProgress>

export const StartPullInput = z
  .object({
    environmentId: EnvironmentId,
    table: TableName,
    /** Ignore the stored delta link and compare every row (a full resync). */
    full: z.boolean().optional(),
    /**
     * A saved pull profile of this table and environment: its columns are pulled and the run is
     * filed under it. Any saved name (dvsync allows names the app's editor refuses).
     */
    profile: z.string().min(1).max(1000).optional()
  })
  .strict()

export const PullRunView = z
  .object({
    runId: RunId,
    environmentId: EnvironmentId.nullable(),
    table: z.string(),
    mode: z.string().nullable(),
    state: RunState,
    startedAt: IsoDateTime,
    finishedAt: IsoDateTime.nullable(),
    created: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    deleted: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    message: z.string().nullable()
  })
  .strict()
export type PullRunView = z.infer<typeof PullRunView>

export const ListPullsInput = z
  .object({
    environmentId: EnvironmentId,
    table: TableName.optional(),
    limit: z.number().int().min(1).max(500).optional()
  })
  .strict()

export const ChangesInput = z
  .object({
    runId: RunId,
    /** Which changes to show; all three when omitted. */
    actions: z.array(PullAction).max(3).optional(),
    /** Matches the record id, the key, or any before/after value (case-insensitive). */
    search: z.string().trim().max(200).optional(),
    /** The table's primary name column, to label each record. */
    nameColumn: TableName.optional(),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(1000)
  })
  .strict()
export type ChangesInput = z.infer<typeof ChangesInput>

/** The formats a pull's changes are exported in for the system on the other side. */
export const CHANGE_EXPORT_FORMATS = ['csv', 'ndjson'] as const

export const ExportChangesInput = z
  .object({ runId: RunId, format: z.enum(CHANGE_EXPORT_FORMATS) })
  .strict()

export const ChangesExported = z
  .object({
    /** Null when the admin cancelled the save dialog. */
    file: z.string().nullable(),
    format: z.enum(CHANGE_EXPORT_FORMATS),
    records: z.number().int().nonnegative()
  })
  .strict()
export type ChangesExported = z.infer<typeof ChangesExported>

/** One column of one changed record: the value before and after the change. */
export const ColumnChange = z
  .object({ column: z.string(), before: ScalarValue, after: ScalarValue, changed: z.boolean() })
  .strict()

export const ChangeItem = z
  .object({
    seq: z.number().int(),
    action: PullAction,
    recordId: z.string().nullable(),
    recordKey: z.string().nullable(),
    /** The primary name after the change (before it, for a delete). */
    name: z.string().nullable(),
    changedColumns: z.array(z.string()),
    columns: z.array(ColumnChange)
  })
  .strict()
export type ChangeItem = z.infer<typeof ChangeItem>

export const ChangesPage = z
  .object({
    runId: RunId,
    table: z.string(),
    mode: z.string().nullable(),
    /** Changes of each kind in the whole run (not only this page). */
    counts: z.object({ created: z.number(), updated: z.number(), deleted: z.number() }).strict(),
    /** Changes matching the filter. */
    total: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    items: z.array(ChangeItem)
  })
  .strict()
export type ChangesPage = z.infer<typeof ChangesPage>

export const CancelPullInput = z.object({ environmentId: EnvironmentId, table: TableName }).strict()
