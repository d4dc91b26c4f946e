import { z } from 'zod'
import { EnvironmentId, IsoDateTime, RunId, ScalarValue, TableName } from './common'
import { PLAN_ACTIONS } from '../model/push'
import { PushSettings, SourceSettings } from './push'

/** Plans (previews of a push or an undo), their items, exclusions, and applying them. */
export { PLAN_ACTIONS }
export const PlanAction = z.enum(PLAN_ACTIONS)
export type PlanAction = z.infer<typeof PlanAction>

export const PlanId = z.number().int().positive()

const ActionCounts = z.record(PlanAction, z.number().int().nonnegative())

export const PlanView = z
  .object({
    planId: PlanId,
    /** The plan (or undo) run that made it. */
    runId: RunId.nullable(),
    kind: z.enum(['push', 'undo']),
    /** An undo plan: the apply run it reverts. */
    undoes: RunId.nullable(),
    environmentId: EnvironmentId,
    environmentName: z.string().nullable(),
    table: z.string(),
    profileName: z.string().nullable(),
    status: z.enum(['ready', 'applying', 'applied', 'partial']),
    createdAt: IsoDateTime,
    settings: PushSettings,
    /** Items per action, as planned. */
    counts: ActionCounts,
    /** Of those, the ones the admin excluded. */
    excluded: ActionCounts,
    /** Apply runs of this plan, newest first. */
    applyRuns: z.array(RunId),
    /** What to look at before applying, e.g. a column cleared in many rows (from the plan run). */
    warnings: z.array(z.string()),
    /** A newer plan of the same table: this one shows the records as they were. */
    newerPlan: z
      .object({ planId: PlanId, createdAt: IsoDateTime, status: z.string() })
      .strict()
      .nullable(),
    /**
     * Deletes and deactivations as a share of the table's records; above `limitPercent` the
     * apply needs an explicit yes to that share besides the confirmation.
     */
    removals: z
      .object({
        count: z.number().int().nonnegative(),
        records: z.number().int().nonnegative(),
        percent: z.number().nonnegative(),
        limitPercent: z.number().nonnegative()
      })
      .strict()
      .nullable()
  })
  .strict()
export type PlanView = z.infer<typeof PlanView>

export const CreatePlanInput = z.discriminatedUnion('from', [
  // Any saved name: profiles saved by dvsync may use characters the app's editor refuses.
  z.object({ from: z.literal('profile'), profile: z.string().min(1).max(1000) }).strict(),
  z
    .object({
      from: z.literal('settings'),
      environmentId: EnvironmentId,
      settings: PushSettings,
      source: SourceSettings
    })
    .strict()
])
export type CreatePlanInput = z.infer<typeof CreatePlanInput>

export const PlanCreated = z
  .object({
    planId: PlanId,
    runId: RunId,
    counts: ActionCounts,
    /** Source columns that map to nothing (shown, never silently dropped). */
    unmapped: z.array(z.string()),
    /** What to look at before applying (a column cleared in many rows). */
    warnings: z.array(z.string()),
    durationMs: z.number().int().nonnegative()
  })
  .strict()

export const CancelPlanInput = z.object({ environmentId: EnvironmentId, table: TableName }).strict()

export const ListPlansInput = z
  .object({
    environmentId: EnvironmentId.optional(),
    limit: z.number().int().min(1).max(200).optional()
  })
  .strict()

export const ByPlan = z.object({ planId: PlanId }).strict()

export const PlanItemsInput = z
  .object({
    planId: PlanId,
    actions: z.array(PlanAction).min(1).max(PLAN_ACTIONS.length),
    /** Matches the key, record id, location, a changed value or the error. */
    search: z.string().trim().max(200).optional(),
    offset: z.number().int().nonnegative(),
    limit: z.number().int().min(1).max(1000)
  })
  .strict()
export type PlanItemsInput = z.infer<typeof PlanItemsInput>

export const ValueChange = z
  .object({
    column: z.string(),
    from: ScalarValue,
    to: ScalarValue,
    /** What a person reads for a code or an id: a choice's label, a lookup's record. */
    fromLabel: z.string().optional(),
    toLabel: z.string().optional()
  })
  .strict()

export const PlanItemView = z
  .object({
    seq: z.number().int(),
    /** 1-based source row; null for records missing from the source. */
    row: z.number().int().nullable(),
    location: z.string().nullable(),
    recordId: z.string().nullable(),
    key: z.string().nullable(),
    action: PlanAction,
    changes: z.array(ValueChange),
    error: z.string().nullable(),
    excluded: z.boolean(),
    outcome: z.string(),
    outcomeMessage: z.string().nullable()
  })
  .strict()
export type PlanItemView = z.infer<typeof PlanItemView>

export const PlanItemsPage = z
  .object({
    planId: PlanId,
    total: z.number().int().nonnegative(),
    offset: z.number().int().nonnegative(),
    items: z.array(PlanItemView)
  })
  .strict()
export type PlanItemsPage = z.infer<typeof PlanItemsPage>

export const ExcludeItemsInput = z
  .object({
    planId: PlanId,
    seqs: z.array(z.number().int().positive()).min(1).max(10_000),
    excluded: z.boolean()
  })
  .strict()

export const ExportPlanInput = z
  .object({ planId: PlanId, format: z.enum(['csv', 'json']) })
  .strict()

export const PlanExported = z
  .object({ file: z.string().nullable(), items: z.number().int().nonnegative() })
  .strict()

export const StartApplyInput = z
  .object({
    planId: PlanId,
    /** Overwrite records that changed in Dataverse since the plan (default: conflicts). */
    force: z.boolean().optional(),
    /** The share of the table (percent) the admin agreed may be deleted or deactivated. */
    allowRemovalPercent: z.number().min(0).max(100).optional()
  })
  .strict()

export const ByRun = z.object({ runId: RunId }).strict()

export const UndoInput = z
  .object({
    runId: RunId,
    /** Records the apply created: deleted (default) or deactivated. */
    created: z.enum(['delete', 'deactivate']).optional()
  })
  .strict()

export const UndoPlanned = z.object({ planId: PlanId, runId: RunId, counts: ActionCounts }).strict()
