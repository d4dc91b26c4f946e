/**
 * How the sandbox describes a Dataverse table: the subset of EntityMetadata / AttributeMetadata /
 * EntityKeyMetadata that the Web API behaviour depends on (reference §8.6, §2.3, §2.4). Tables are
 * data, so tests and admins can bring their own (e.g. the docs' example_record table).
 */
export type AttributeType =
  | 'Uniqueidentifier'
  | 'String'
  | 'Memo'
  | 'Integer'
  | 'BigInt'
  | 'Decimal'
  | 'Money'
  | 'Double'
  | 'Boolean'
  | 'DateTime'
  | 'Picklist'
  | 'State'
  | 'Status'
  | 'Lookup'
  | 'Customer'

export interface OptionDef {
  value: number
  label: string
  /** Status options: the state they belong to. */
  state?: number
  /** State options: the status a record gets when only the state is set. */
  defaultStatus?: number
}

/** One target of a lookup column, with the navigation property and relationship it goes through. */
export interface LookupTargetDef {
  table: string
  /** Single-valued navigation property on the referencing table (used in @odata.bind). */
  navigationProperty: string
  relationship: string
  /** Collection-valued navigation property on the referenced table, e.g. Account_Tasks. */
  collectionNavigationProperty?: string
}

export interface ColumnDef {
  name: string
  type: AttributeType
  displayName?: string
  /** String and Memo: maximum length (defaults 100 and 2000). */
  maxLength?: number
  minValue?: number
  maxValue?: number
  /** Decimal and Money: digits after the point (defaults 2 and 4). */
  precision?: number
  /** DateTime: DateOnly values are 'YYYY-MM-DD'. */
  format?: 'DateOnly' | 'DateAndTime'
  options?: OptionDef[]
  targets?: LookupTargetDef[]
  requiredLevel?: 'None' | 'Recommended' | 'ApplicationRequired' | 'SystemRequired'
  validForCreate?: boolean
  validForUpdate?: boolean
  isCustom?: boolean
  /** A read-only column the service computes, e.g. contact.fullname from firstname and lastname. */
  computed?: { concat: string[] }
}

export type KeyStatus = 'Pending' | 'InProgress' | 'Active' | 'Failed'

export interface KeyDef {
  schemaName: string
  /** Defaults to the lower-cased schema name. */
  logicalName?: string
  displayName?: string
  columns: string[]
  /** Keys in a schema file start Active; keys created over the API start Pending (§2.4). */
  status?: KeyStatus
  /** Sandbox clock time (epoch ms) at which a Pending key's index job runs. */
  dueAt?: number
}

export interface TableDef {
  logicalName: string
  schemaName?: string
  entitySetName: string
  displayName?: string
  displayCollectionName?: string
  primaryIdAttribute: string
  primaryNameAttribute: string
  objectTypeCode?: number
  isCustomEntity?: boolean
  ownershipType?: 'UserOwned' | 'OrganizationOwned'
  changeTracking: boolean
  canChangeTrackingBeEnabled?: boolean
  isOptimisticConcurrencyEnabled?: boolean
  /** Whether CreateMultiple/UpdateMultiple (and so UpsertMultiple) exist for the table (§4.2). */
  bulkMessages?: boolean
  columns: ColumnDef[]
  keys?: KeyDef[]
}

export interface SchemaDef {
  tables: TableDef[]
}
