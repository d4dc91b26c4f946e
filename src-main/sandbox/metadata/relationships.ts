import { stableGuid, type TableModel } from '../schema/model'
import type { Catalog } from '../storage/catalog'
import type { MetadataObject } from './definitions'

/**
 * OneToManyRelationshipMetadata for the lookups of the sandbox's tables, as the
 * ManyToOneRelationships / OneToManyRelationships navigation of EntityMetadata returns them
 * (reference §8.6). Clients read ReferencingEntityNavigationPropertyName from here to know the
 * name to use in `@odata.bind`.
 */
export function relationshipDefinitions(catalog: Catalog): MetadataObject[] {
  const out: MetadataObject[] = []
  for (const table of catalog.tables()) {
    for (const { column, target } of table.navigation.values()) {
      const referenced = catalog.table(target.table)
      out.push({
        '@odata.type': '#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
        MetadataId: stableGuid('relationship', target.relationship),
        SchemaName: target.relationship,
        RelationshipType: 'OneToManyRelationship',
        IsCustomRelationship: false,
        ReferencedEntity: target.table,
        ReferencedAttribute: referenced?.primaryId ?? `${target.table}id`,
        ReferencingEntity: table.logicalName,
        ReferencingAttribute: column.name,
        ReferencingEntityNavigationPropertyName: target.navigationProperty,
        ReferencedEntityNavigationPropertyName:
          target.collectionNavigationProperty ?? target.relationship
      })
    }
  }
  return out
}

/** The relationships where `table` holds the lookup (ManyToOne) or is looked up (OneToMany). */
export function relationshipsOf(
  catalog: Catalog,
  table: TableModel,
  kind: 'ManyToOneRelationships' | 'OneToManyRelationships'
): MetadataObject[] {
  const side = kind === 'ManyToOneRelationships' ? 'ReferencingEntity' : 'ReferencedEntity'
  return relationshipDefinitions(catalog).filter((r) => r[side] === table.logicalName)
}
