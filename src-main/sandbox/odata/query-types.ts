/** Types shared by the query-option modules; query-options.ts re-exports them as the public API. */

export type ValueKind = 'string' | 'integer' | 'decimal' | 'boolean' | 'guid' | 'datetime' | 'enum'

export interface PropertyInfo<Row> {
  kind: ValueKind
  /** Edm type name for messages, e.g. 'Edm.String', 'Edm.Int32', 'Edm.Decimal', 'Edm.Guid'. */
  edmType: string
  get(row: Row): unknown
  /** For kind 'enum': the qualified enum type, e.g. 'Microsoft.Dynamics.CRM.OwnershipTypes'. */
  enumType?: string
}

export interface PropertyResolver<Row> {
  /** Used in messages: e.g. 'Microsoft.Dynamics.CRM.account'. */
  readonly typeName: string
  /** Resolve a property path, e.g. ['name'], ['primarycontactid','fullname'], ['CanChangeTrackingBeEnabled','Value']; undefined if unknown. */
  resolve(path: readonly string[]): PropertyInfo<Row> | undefined
  /**
   * Optional: for a path resolve() refused, the segment to name and the type it was looked up on,
   * e.g. ['primarycontactid','fulname'] → { segment: 'fulname', typeName: 'Microsoft.Dynamics.CRM.contact' }.
   * Without it the message names the first segment on `typeName`.
   */
  describeUnknown?(path: readonly string[]): { segment: string; typeName: string }
}

export type Predicate<Row> = (row: Row) => boolean
