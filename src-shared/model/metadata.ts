/**
 * What the product knows of a Dataverse table, read from EntityDefinitions (reference §8.6,
 * §2.4). Shared by the engines and the UI; plain data, safe to send over IPC.
 */
export type ColumnType =
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
  | 'Owner'
  | 'Virtual'
  | 'EntityName'
  | 'Other'

export type KeyIndexStatus = 'Pending' | 'InProgress' | 'Active' | 'Failed'

export interface KeyInfo {
  logicalName: string
  schemaName: string
  displayName: string
  columns: string[]
  status: KeyIndexStatus
}

export interface TableInfo {
  logicalName: string
  schemaName: string
  displayName: string
  entitySetName: string
  primaryIdAttribute: string
  primaryNameAttribute: string
  changeTrackingEnabled: boolean
  canChangeTrackingBeEnabled: boolean
  isCustom: boolean
  keys: KeyInfo[]
}

export interface OptionInfo {
  value: number
  label: string
  /** Status options: the state they belong to. */
  state?: number
}

export interface ColumnInfo {
  logicalName: string
  displayName: string
  type: ColumnType
  isPrimaryId: boolean
  isPrimaryName: boolean
  validForCreate: boolean
  validForUpdate: boolean
  validForRead: boolean
  requiredLevel: string
  maxLength?: number
  /** Lookups: the tables they may point at. */
  targets?: string[]
  /** Lookups: target table → the navigation property that sets it (`<nav>@odata.bind`). */
  navigation?: Record<string, string>
  /** Picklist, State and Status columns. */
  options?: OptionInfo[]
  /** DateTime columns: DateOnly values have no time part. */
  dateOnly?: boolean
  /** Number columns: the range the column accepts (MinValue/MaxValue), when the metadata says. */
  minValue?: number
  maxValue?: number
  /** Decimal and Money columns: decimal places kept (Precision), when the metadata says. */
  precision?: number
}

export interface TableDetails extends TableInfo {
  columns: ColumnInfo[]
}

export function isLookupType(type: ColumnType): boolean {
  return type === 'Lookup' || type === 'Customer' || type === 'Owner'
}

/** The JSON property a column has in Web API rows: lookups appear as _x_value (§8.4). */
export function jsonPropertyOf(column: Pick<ColumnInfo, 'logicalName' | 'type'>): string {
  return isLookupType(column.type) ? `_${column.logicalName}_value` : column.logicalName
}

/**
 * A column name as names are matched by "Suggest by name": without case, spaces, underscores,
 * dashes and dots ("Product Number" and productnumber are one name).
 */
export const nameMatchKey = (name: string): string => name.toLowerCase().replace(/[\s_\-.]/g, '')
