import { z } from 'zod'
import { EnvironmentId, IsoDateTime, TableName } from './common'

/** Tables, columns and alternate keys (src-shared/model/metadata.ts) as the screens get them. */
export const KeyStatus = z.enum(['Pending', 'InProgress', 'Active', 'Failed'])

export const KeyView = z
  .object({
    logicalName: z.string(),
    schemaName: z.string(),
    displayName: z.string(),
    columns: z.array(z.string()),
    status: KeyStatus
  })
  .strict()
export type KeyView = z.infer<typeof KeyView>

/** The local mirror of a table, when it has been pulled (the delta link itself stays in main). */
export const MirrorView = z
  .object({
    rowCount: z.number().int().nonnegative(),
    lastPullAt: IsoDateTime.nullable(),
    /** A delta link is stored: the next pull reads only the changes. */
    tracking: z.boolean(),
    columns: z.number().int().nonnegative()
  })
  .strict()

export const TableView = z
  .object({
    logicalName: z.string(),
    schemaName: z.string(),
    displayName: z.string(),
    entitySetName: z.string(),
    primaryIdAttribute: z.string(),
    primaryNameAttribute: z.string(),
    changeTrackingEnabled: z.boolean(),
    canChangeTrackingBeEnabled: z.boolean(),
    isCustom: z.boolean(),
    keys: z.array(KeyView),
    mirror: MirrorView.nullable()
  })
  .strict()
export type TableView = z.infer<typeof TableView>

export const ColumnView = z
  .object({
    logicalName: z.string(),
    displayName: z.string(),
    type: z.string(),
    isPrimaryId: z.boolean(),
    isPrimaryName: z.boolean(),
    validForCreate: z.boolean(),
    validForUpdate: z.boolean(),
    validForRead: z.boolean(),
    requiredLevel: z.string(),
    maxLength: z.number().int().nullable(),
    targets: z.array(z.string()),
    options: z.array(z.object({ value: z.number(), label: z.string() }).strict())
  })
  .strict()
export type ColumnView = z.infer<typeof ColumnView>

export const TableDetailsView = TableView.extend({ columns: z.array(ColumnView) }).strict()
export type TableDetailsView = z.infer<typeof TableDetailsView>

export const TableRef = z.object({ environmentId: EnvironmentId, table: TableName }).strict()

export const CreateKeyInput = z
  .object({
    environmentId: EnvironmentId,
    table: TableName,
    /** e.g. dvs_WarehouseCodeKey: the publisher prefix, letters, digits and underscores. */
    schemaName: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z][A-Za-z0-9_]{1,99}$/,
        'must start with a letter and hold only letters, digits and underscores'
      ),
    displayName: z.string().trim().max(100).optional(),
    columns: z.array(TableName).min(1, 'needs at least one column').max(16)
  })
  .strict()
export type CreateKeyInput = z.infer<typeof CreateKeyInput>
