import { stableGuid, type ColumnModel, type KeyModel, type TableModel } from '../schema/model'
import type { OptionDef } from '../schema/types'

/**
 * EntityMetadata, AttributeMetadata and EntityKeyMetadata as the Web API serialises them
 * (reference §8.6, §2.4, §2.5): labels as LocalizedLabels/UserLocalizedLabel, managed
 * properties as { Value, CanBeChanged, ManagedPropertyLogicalName }, enums as their names.
 */
export type MetadataObject = Record<string, unknown>

export function label(text: string, owner: string): MetadataObject {
  const localized = {
    Label: text,
    LanguageCode: 1033,
    IsManaged: true,
    MetadataId: stableGuid('label', owner),
    HasChanged: null
  }
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized }
}

const managed = (value: boolean, name: string): MetadataObject => ({
  Value: value,
  CanBeChanged: true,
  ManagedPropertyLogicalName: name
})

const titleCase = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1)

const ATTRIBUTE_ODATA_TYPES: Record<string, string> = {
  Uniqueidentifier: 'UniqueIdentifierAttributeMetadata',
  String: 'StringAttributeMetadata',
  Memo: 'MemoAttributeMetadata',
  Integer: 'IntegerAttributeMetadata',
  BigInt: 'BigIntAttributeMetadata',
  Decimal: 'DecimalAttributeMetadata',
  Money: 'MoneyAttributeMetadata',
  Double: 'DoubleAttributeMetadata',
  Boolean: 'BooleanAttributeMetadata',
  DateTime: 'DateTimeAttributeMetadata',
  Picklist: 'PicklistAttributeMetadata',
  State: 'StateAttributeMetadata',
  Status: 'StatusAttributeMetadata',
  Lookup: 'LookupAttributeMetadata',
  Customer: 'LookupAttributeMetadata'
}

export const attributeODataType = (column: ColumnModel): string =>
  `Microsoft.Dynamics.CRM.${ATTRIBUTE_ODATA_TYPES[column.type]}`

export function entityDefinition(table: TableModel): MetadataObject {
  const def = table.def
  return {
    MetadataId: table.metadataId,
    LogicalName: table.logicalName,
    SchemaName: table.schemaName,
    EntitySetName: table.entitySetName,
    LogicalCollectionName: table.entitySetName,
    CollectionSchemaName: `${table.schemaName}s`,
    PrimaryIdAttribute: table.primaryId,
    PrimaryNameAttribute: table.primaryName,
    ObjectTypeCode: def.objectTypeCode ?? 10000,
    OwnershipType: def.ownershipType ?? 'UserOwned',
    IsCustomEntity: def.isCustomEntity ?? false,
    IsActivity: false,
    IsIntersect: false,
    IsValidForAdvancedFind: true,
    // In the docs' own metadata example (§8.6); knowledge management is not emulated.
    IsKnowledgeManagementEnabled: false,
    TableType: 'Standard',
    ChangeTrackingEnabled: def.changeTracking,
    CanChangeTrackingBeEnabled: managed(
      def.canChangeTrackingBeEnabled ?? true,
      'canchangetrackingbeenabled'
    ),
    IsOptimisticConcurrencyEnabled: def.isOptimisticConcurrencyEnabled ?? true,
    DisplayName: label(def.displayName ?? table.schemaName, `${table.logicalName}.display`),
    DisplayCollectionName: label(
      def.displayCollectionName ?? `${table.schemaName}s`,
      `${table.logicalName}.collection`
    ),
    Description: label('', `${table.logicalName}.description`)
  }
}

export function attributeDefinition(table: TableModel, column: ColumnModel): MetadataObject {
  const out: MetadataObject = {
    '@odata.type': `#${attributeODataType(column)}`,
    MetadataId: column.metadataId,
    LogicalName: column.name,
    SchemaName: column.name.split('_').map(titleCase).join('_'),
    EntityLogicalName: table.logicalName,
    AttributeType: column.type === 'Uniqueidentifier' ? 'Uniqueidentifier' : column.type,
    AttributeTypeName: {
      Value: `${column.type === 'Uniqueidentifier' ? 'UniqueIdentifier' : column.type}Type`
    },
    IsPrimaryId: column.isPrimaryId,
    IsPrimaryName: column.isPrimaryName,
    IsCustomAttribute: column.isCustom ?? false,
    IsValidForCreate: !column.isSystem && !column.computed && column.validForCreate !== false,
    IsValidForUpdate:
      !column.isSystem &&
      !column.computed &&
      !column.isPrimaryId &&
      column.validForUpdate !== false,
    IsValidForRead: true,
    IsLogical: false,
    DisplayName: label(column.displayName ?? column.name, `${table.logicalName}.${column.name}`),
    Description: label('', `${table.logicalName}.${column.name}.description`)
  }
  out['RequiredLevel'] = {
    Value: column.requiredLevel ?? 'None',
    CanBeChanged: true,
    ManagedPropertyLogicalName: 'canmodifyrequirementlevelsettings'
  }
  if (column.type === 'String' || column.type === 'Memo') {
    out['MaxLength'] = column.maxLength ?? (column.type === 'Memo' ? 2000 : 100)
    out['Format'] = column.type === 'Memo' ? 'TextArea' : 'Text'
  }
  if (['Integer', 'BigInt', 'Decimal', 'Money', 'Double'].includes(column.type)) {
    out['MinValue'] = column.minValue ?? null
    out['MaxValue'] = column.maxValue ?? null
  }
  if (column.type === 'Decimal' || column.type === 'Money')
    out['Precision'] = column.precision ?? (column.type === 'Money' ? 4 : 2)
  if (column.type === 'DateTime') {
    out['Format'] = column.format ?? 'DateAndTime'
    out['DateTimeBehavior'] = { Value: column.format === 'DateOnly' ? 'DateOnly' : 'UserLocal' }
  }
  if (column.targets) out['Targets'] = column.targets.map((t) => t.table)
  return out
}

/** The OptionSet of a Picklist/State/Status column, as `$expand=OptionSet` returns it. */
export function optionSetDefinition(table: TableModel, column: ColumnModel): MetadataObject {
  const option = (o: OptionDef): MetadataObject => ({
    Value: o.value,
    Label: label(o.label, `${table.logicalName}.${column.name}.${o.value}`),
    ...(column.type === 'State' ? { DefaultStatus: o.defaultStatus ?? null } : {}),
    ...(column.type === 'Status' ? { State: o.state ?? null } : {})
  })
  return {
    MetadataId: stableGuid('optionset', table.logicalName, column.name),
    Name: `${table.logicalName}_${column.name}`,
    IsGlobal: false,
    OptionSetType: column.type,
    Options: (column.options ?? []).map(option)
  }
}

export function keyDefinition(table: TableModel, key: KeyModel): MetadataObject {
  return {
    MetadataId: key.metadataId,
    LogicalName: key.logicalName,
    SchemaName: key.schemaName,
    EntityLogicalName: table.logicalName,
    KeyAttributes: key.columns,
    EntityKeyIndexStatus: key.status,
    AsyncJob: null,
    IsManaged: false,
    IsCustomizable: managed(true, 'iscustomizable'),
    DisplayName: label(key.displayName, `${table.logicalName}.key.${key.logicalName}`)
  }
}
