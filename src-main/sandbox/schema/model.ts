import { createHash } from 'node:crypto'
import type { ColumnDef, KeyDef, KeyStatus, LookupTargetDef, TableDef } from './types'

/**
 * The runtime view of a table: its definition plus the indexes every request needs (columns by
 * name, navigation properties, keys). Built once per schema change, never per request.
 */
export interface ColumnModel extends ColumnDef {
  /** The property name in JSON: lookups appear as _<name>_value (reference §8.4). */
  jsonName: string
  isPrimaryId: boolean
  isPrimaryName: boolean
  isSystem: boolean
  metadataId: string
}

export interface KeyModel {
  schemaName: string
  logicalName: string
  displayName: string
  columns: string[]
  status: KeyStatus
  metadataId: string
  /** Sandbox clock time (ms) at which a Pending key's index job runs. */
  dueAt?: number
}

export interface NavigationModel {
  column: ColumnModel
  target: LookupTargetDef
}

export interface CollectionNavigationModel {
  /** The referencing table and its lookup column. */
  table: string
  column: string
  relationship: string
}

export interface TableModel {
  def: TableDef
  logicalName: string
  schemaName: string
  entitySetName: string
  metadataId: string
  primaryId: string
  primaryName: string
  columns: ColumnModel[]
  columnsByName: Map<string, ColumnModel>
  /** JSON property name (e.g. _primarycontactid_value) → column. */
  columnsByJsonName: Map<string, ColumnModel>
  navigation: Map<string, NavigationModel>
  collectionNavigation: Map<string, CollectionNavigationModel>
  keys: KeyModel[]
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,63}$/

/** Stable GUIDs for metadata, so MetadataIds survive restarts and match between runs. */
export function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const systemColumns: ColumnDef[] = [
  { name: 'createdon', type: 'DateTime', validForCreate: false, validForUpdate: false },
  { name: 'modifiedon', type: 'DateTime', validForCreate: false, validForUpdate: false },
  { name: 'versionnumber', type: 'BigInt', validForCreate: false, validForUpdate: false }
]

export function isLookup(column: Pick<ColumnDef, 'type'>): boolean {
  return column.type === 'Lookup' || column.type === 'Customer'
}

export function buildTableModel(def: TableDef): TableModel {
  const problem = (msg: string): Error => new Error(`Table '${def.logicalName}': ${msg}`)
  if (!IDENTIFIER.test(def.logicalName))
    throw problem('logical name must be lower-case letters, digits and _')
  const declared = new Set(def.columns.map((c) => c.name))
  const all = [...def.columns, ...systemColumns.filter((c) => !declared.has(c.name))]
  const columns: ColumnModel[] = all.map((c) => {
    if (!IDENTIFIER.test(c.name))
      throw problem(`column name '${c.name}' is not a valid logical name`)
    if (isLookup(c) && !c.targets?.length) throw problem(`lookup '${c.name}' has no targets`)
    return {
      ...c,
      jsonName: isLookup(c) ? `_${c.name}_value` : c.name,
      isPrimaryId: c.name === def.primaryIdAttribute,
      isPrimaryName: c.name === def.primaryNameAttribute,
      isSystem: systemColumns.some((s) => s.name === c.name),
      metadataId: stableGuid('attribute', def.logicalName, c.name)
    }
  })
  const columnsByName = new Map(columns.map((c) => [c.name, c]))
  const primary = columnsByName.get(def.primaryIdAttribute)
  if (!primary || primary.type !== 'Uniqueidentifier') {
    throw problem(`primary id '${def.primaryIdAttribute}' must be a Uniqueidentifier column`)
  }
  if (!columnsByName.has(def.primaryNameAttribute))
    throw problem(`primary name '${def.primaryNameAttribute}' is not a column`)

  const navigation = new Map<string, NavigationModel>()
  for (const column of columns) {
    for (const target of column.targets ?? [])
      navigation.set(target.navigationProperty, { column, target })
  }
  const keys = (def.keys ?? []).map((k) => keyModel(def, k, columnsByName))
  return {
    def,
    logicalName: def.logicalName,
    schemaName:
      def.schemaName ?? def.logicalName.charAt(0).toUpperCase() + def.logicalName.slice(1),
    entitySetName: def.entitySetName,
    metadataId: stableGuid('entity', def.logicalName),
    primaryId: def.primaryIdAttribute,
    primaryName: def.primaryNameAttribute,
    columns,
    columnsByName,
    columnsByJsonName: new Map(columns.map((c) => [c.jsonName, c])),
    navigation,
    collectionNavigation: new Map(),
    keys
  }
}

/** Column types an alternate key may use (reference §2.3). */
export const KEY_COLUMN_TYPES = new Set([
  'Decimal',
  'Integer',
  'String',
  'DateTime',
  'Lookup',
  'Customer',
  'Picklist'
])

function keyModel(def: TableDef, key: KeyDef, columns: ReadonlyMap<string, ColumnModel>): KeyModel {
  for (const name of key.columns) {
    const column = columns.get(name)
    if (!column)
      throw new Error(
        `Table '${def.logicalName}': key '${key.schemaName}' names unknown column '${name}'`
      )
    if (!KEY_COLUMN_TYPES.has(column.type)) {
      throw new Error(
        `Table '${def.logicalName}': key '${key.schemaName}' cannot use ${column.type} column '${name}'`
      )
    }
  }
  const logicalName = key.logicalName ?? key.schemaName.toLowerCase()
  return {
    schemaName: key.schemaName,
    logicalName,
    displayName: key.displayName ?? key.schemaName,
    columns: [...key.columns],
    status: key.status ?? 'Active',
    metadataId: stableGuid('key', def.logicalName, logicalName),
    ...(key.dueAt !== undefined ? { dueAt: key.dueAt } : {})
  }
}

/** Wires collection-valued navigation properties once all tables are known. */
export function linkTables(tables: ReadonlyMap<string, TableModel>): void {
  for (const table of tables.values()) table.collectionNavigation.clear()
  for (const table of tables.values()) {
    for (const { column, target } of table.navigation.values()) {
      const referenced = tables.get(target.table)
      if (!referenced)
        throw new Error(
          `Table '${table.logicalName}': lookup '${column.name}' targets unknown table '${target.table}'`
        )
      if (target.collectionNavigationProperty) {
        referenced.collectionNavigation.set(target.collectionNavigationProperty, {
          table: table.logicalName,
          column: column.name,
          relationship: target.relationship
        })
      }
    }
  }
}
