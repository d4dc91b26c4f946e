import { z } from 'zod'
import { EnvironmentId, IsoDateTime, ScalarValue, TableName } from './common'

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

/** One key of a table, by its schema or logical name (Keys(LogicalName='…') in the Web API). */
export const KeyRef = z
  .object({
    environmentId: EnvironmentId,
    table: TableName,
    key: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,127}$/, 'is not the name of an alternate key')
  })
  .strict()
export type KeyRef = z.infer<typeof KeyRef>

export const KeyDuplicatesInput = KeyRef.extend({
  /** Values to list, the most repeated first. */
  limit: z.number().int().min(1).max(500).optional()
}).strict()
export type KeyDuplicatesInput = z.infer<typeof KeyDuplicatesInput>

/** Why a key's index failed: values of its columns that several mirrored records hold. */
export const KeyDuplicatesView = z
  .object({
    key: KeyView,
    /** When the table's mirror was last pulled: the duplicates are as of then. */
    mirroredAt: IsoDateTime.nullable(),
    duplicates: z.array(
      z
        .object({
          /** One value per key column, in the key's column order. */
          values: z.array(ScalarValue),
          records: z.number().int().min(2),
          /** A few of the records' ids (at most 5). */
          ids: z.array(z.string())
        })
        .strict()
    ),
    /** More duplicated values exist than the limit listed. */
    more: z.boolean()
  })
  .strict()
export type KeyDuplicatesView = z.infer<typeof KeyDuplicatesView>
