import { z } from 'zod'

/**
 * Building blocks of the IPC contract. Every object is strict: an unexpected field from the
 * renderer is refused rather than ignored, so a typo never silently does something else.
 */
export const Empty = z.object({}).strict()

/** An environment's id in the data folder (environments are addressed by id over IPC). */
export const EnvironmentId = z.number().int().positive()

/** A table's logical name as Dataverse spells it (lower case, publisher prefix and all). */
export const TableName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z_][a-z0-9_]{0,127}$/, 'is not a table logical name')

export const RunId = z.number().int().positive()

/** A value of a mirrored column: what the Web API sends for a scalar column. */
export const ScalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()])
export type ScalarValue = z.infer<typeof ScalarValue>

export const IsoDateTime = z.string()
