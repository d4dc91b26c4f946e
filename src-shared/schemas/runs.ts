import { z } from 'zod'
import { EnvironmentId, IsoDateTime, RunId } from './common'
import { RunKind, RunState } from './pulls'

/** The run history, minimal for now: the Runs screen (issue 6) extends it. */
export const RunSummary = z
  .object({
    runId: RunId,
    kind: RunKind,
    mode: z.string().nullable(),
    state: RunState,
    environmentName: z.string().nullable(),
    table: z.string().nullable(),
    profileName: z.string().nullable(),
    account: z.string().nullable(),
    startedAt: IsoDateTime,
    finishedAt: IsoDateTime.nullable(),
    counts: z.record(z.string(), z.number()),
    message: z.string().nullable()
  })
  .strict()
export type RunSummary = z.infer<typeof RunSummary>

export const ListRunsInput = z
  .object({
    kind: RunKind.optional(),
    environmentId: EnvironmentId.optional(),
    limit: z.number().int().min(1).max(500).optional()
  })
  .strict()
