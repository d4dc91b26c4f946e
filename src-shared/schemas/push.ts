import { z } from 'zod'
import { EnvironmentId, ScalarValue, TableName } from './common'

/**
 * Push settings as the profile editor and the planner exchange them: the shapes of
 * src-shared/model/push.ts, checked field by field so a form error lands on its field.
 */
export const PUSH_MODES = ['upsert', 'create', 'update'] as const
export const MISSING_ROWS = ['ignore', 'deactivate', 'delete'] as const
export const APPLY_STRATEGIES = ['auto', 'bulk', 'batch', 'single'] as const
export const SOURCE_FORMATS = ['csv', 'json', 'ndjson', 'xlsx'] as const

/** A source column's name as the file spells it (CSV header, JSON property, XLSX header). */
export const SourceColumn = z.string().min(1, 'is required').max(256)

export const MatchKey = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('alternate'),
      /** The key's logical or schema name ('' with columns, or both empty: the first that fits). */
      name: z.string().trim().max(128),
      columns: z.array(TableName).max(16)
    })
    .strict(),
  z.object({ kind: z.literal('primary') }).strict()
])
export type MatchKey = z.infer<typeof MatchKey>

export const LookupMapping = z
  .object({
    table: TableName,
    keyColumns: z.array(TableName).min(1).max(16),
    sourceColumns: z.array(SourceColumn).min(1).max(16).optional()
  })
  .strict()

export const EMPTY_VALUE_RULES = ['ignore', 'clear', 'default'] as const

export const ColumnMapping = z
  .object({
    source: SourceColumn,
    target: TableName,
    lookup: LookupMapping.optional(),
    empty: z.enum(EMPTY_VALUE_RULES).optional(),
    emptyDefault: z.string().max(4000).optional()
  })
  .strict()
export type ColumnMapping = z.infer<typeof ColumnMapping>

export const SourceSettings = z
  .object({
    /** A path the admin picked in the open dialog (or a saved profile's). */
    file: z.string().min(1, 'is required').max(4096),
    format: z.enum(SOURCE_FORMATS).optional(),
    delimiter: z.string().length(1, 'is one character').optional(),
    encoding: z.string().trim().min(1).max(64).optional(),
    sheet: z.string().max(255).optional()
  })
  .strict()
export type SourceSettings = z.infer<typeof SourceSettings>

export const PushSettings = z
  .object({
    table: TableName,
    key: MatchKey,
    mapping: z.array(ColumnMapping).max(1000),
    mode: z.enum(PUSH_MODES),
    missing: z.enum(MISSING_ROWS),
    /** Records per request (reference §4.2: 100–1,000; 1 for one record per request). */
    batchSize: z.number().int().min(1, 'is 1 or more').max(1000, 'is at most 1,000'),
    /** Most requests at once; never above the server's x-ms-dop-hint. */
    parallelism: z.number().int().min(1, 'is 1 or more').max(64, 'is at most 64').optional(),
    strategy: z.enum(APPLY_STRATEGIES),
    timeZone: z.string().trim().min(1, 'is required').max(64),
    decimalSeparator: z.enum(['.', ',']),
    emptyValues: z.enum(['ignore', 'clear']).optional(),
    clearWarningPercent: z.number().min(0).max(100, 'is at most 100').optional()
  })
  .strict()
export type PushSettings = z.infer<typeof PushSettings>

/** The name a profile is saved under, as `dvsync profile save NAME` takes it. */
export const ProfileName = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(100, 'is at most 100 characters')
  .regex(/^[^\\/:*?"<>|\p{Cc}]+$/u, 'may not hold \\ / : * ? " < > | or control characters')

export const ProfileKind = z.enum(['pull', 'push'])

export const ProfileView = z
  .object({
    name: z.string(),
    kind: ProfileKind,
    environmentId: EnvironmentId.nullable(),
    /** The environment the profile names (it may not be configured here). */
    environmentName: z.string().nullable(),
    table: z.string(),
    /** Pull profiles: the columns to mirror (all when null). */
    columns: z.array(z.string()).nullable(),
    /** Push profiles: the settings and the source (null for pull profiles). */
    push: PushSettings.nullable(),
    source: SourceSettings.nullable(),
    /** Why the saved settings could not be read as they are (edited by hand, an old format). */
    problem: z.string().nullable()
  })
  .strict()
export type ProfileView = z.infer<typeof ProfileView>

export const SaveProfileInput = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('pull'),
      name: ProfileName,
      /** The name it had when opened for editing: renaming replaces it; otherwise a name in use is refused. */
      previousName: z.string().max(1000).optional(),
      environmentId: EnvironmentId,
      table: TableName,
      columns: z.array(TableName).max(1000).optional()
    })
    .strict(),
  z
    .object({
      kind: z.literal('push'),
      name: ProfileName,
      previousName: z.string().max(1000).optional(),
      environmentId: EnvironmentId,
      settings: PushSettings,
      source: SourceSettings
    })
    .strict()
])
export type SaveProfileInput = z.infer<typeof SaveProfileInput>

export const ByProfileName = z.object({ name: z.string().min(1).max(1000) }).strict()

/** A file the admin picked or saved in a dialog; null when the dialog was cancelled. */
export const ChosenFile = z.object({ file: z.string().nullable() }).strict()

export const InspectSourceInput = SourceSettings.extend({
  /** Rows to preview (the first ones, error rows included). */
  rows: z.number().int().min(1).max(200).optional()
}).strict()

export const SourceRowView = z
  .object({
    row: z.number().int(),
    location: z.string(),
    values: z.record(z.string(), ScalarValue),
    /** Why the row can't be used as it is; such a row is an error in the plan. */
    error: z.string().nullable()
  })
  .strict()

export const SourceInspection = z
  .object({
    file: z.string(),
    format: z.string(),
    columns: z.array(z.string()),
    encoding: z.string().nullable(),
    /** How the encoding was chosen ("assumed, because …"): a guess is shown as one. */
    encodingBasis: z.string().nullable().optional(),
    /** Doubts about how the file was read, e.g. bytes that do not fit the encoding. */
    warnings: z.array(z.string()).optional(),
    delimiter: z.string().nullable(),
    sheet: z.string().nullable(),
    sheets: z.array(z.string()),
    rows: z.array(SourceRowView)
  })
  .strict()
export type SourceInspection = z.infer<typeof SourceInspection>

export const SuggestMappingInput = z
  .object({
    environmentId: EnvironmentId,
    table: TableName,
    sourceColumns: z.array(SourceColumn).max(1000)
  })
  .strict()

export const MappingSuggestion = z
  .object({
    mapping: z.array(ColumnMapping),
    /** The first Active key the suggested mapping covers, when there is one. */
    key: MatchKey.nullable(),
    /** Source columns that match no column of the table. */
    unmatched: z.array(z.string())
  })
  .strict()

export const ValidateMappingInput = z
  .object({
    environmentId: EnvironmentId,
    table: TableName,
    key: MatchKey,
    mapping: z.array(ColumnMapping).max(1000),
    sourceColumns: z.array(SourceColumn).max(1000)
  })
  .strict()

/** One field of a form and what is wrong with it (`mapping.2.source`, `key`, `timeZone`). */
export const FieldProblem = z.object({ field: z.string(), message: z.string() }).strict()
export type FieldProblem = z.infer<typeof FieldProblem>

export const MappingValidation = z.object({ problems: z.array(FieldProblem) }).strict()
