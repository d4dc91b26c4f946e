import { errors } from '../http/errors'
import {
  compileFilter,
  parseExpand,
  parseSelect,
  type PropertyInfo,
  type PropertyResolver
} from '../odata/query-options'
import type { MetadataObject } from './definitions'

/** Enumerations the metadata properties use, for `X eq Microsoft.Dynamics.CRM.T'Member'` filters. */
const ENUM_TYPES: Record<string, string> = {
  OwnershipType: 'Microsoft.Dynamics.CRM.OwnershipTypes',
  AttributeType: 'Microsoft.Dynamics.CRM.AttributeTypeCode',
  EntityKeyIndexStatus: 'Microsoft.Dynamics.CRM.EntityKeyIndexStatus',
  TableType: 'Microsoft.Dynamics.CRM.TableType'
}

/**
 * $filter over metadata objects (reference §8.6): property paths into the JSON
 * (`CanChangeTrackingBeEnabled/Value`), types taken from the values themselves.
 */
export function metadataResolver(
  typeName: string,
  sample: MetadataObject | undefined
): PropertyResolver<MetadataObject> {
  return {
    typeName: `Microsoft.Dynamics.CRM.${typeName}`,
    resolve(path): PropertyInfo<MetadataObject> | undefined {
      const get = (row: MetadataObject): unknown => {
        let value: unknown = row
        for (const part of path)
          value =
            value && typeof value === 'object'
              ? (value as Record<string, unknown>)[part]
              : undefined
        return value
      }
      if (!sample) return { kind: 'string', edmType: 'Edm.String', get }
      const value = get(sample)
      if (value === undefined) return undefined
      const enumType =
        path.length === 1 && Object.hasOwn(ENUM_TYPES, path[0]!) ? ENUM_TYPES[path[0]!] : undefined
      if (enumType) return { kind: 'enum', edmType: enumType, enumType, get }
      if (typeof value === 'boolean') return { kind: 'boolean', edmType: 'Edm.Boolean', get }
      if (typeof value === 'number') return { kind: 'integer', edmType: 'Edm.Int32', get }
      if (path.at(-1) === 'MetadataId') return { kind: 'guid', edmType: 'Edm.Guid', get }
      return { kind: 'string', edmType: 'Edm.String', get }
    }
  }
}

/** Keeps the $select-ed properties (MetadataId always comes back, §8.6). */
export function selectProperties(
  objects: MetadataObject[],
  selectText: string | null | undefined,
  typeName: string
): MetadataObject[] {
  if (selectText === null || selectText === undefined) return objects
  const names = parseSelect(selectText)
  const sample = objects[0]
  for (const name of names) {
    if (sample && !Object.hasOwn(sample, name)) throw errors.unknownProperty(typeName, name)
  }
  return objects.map((o) => {
    const out: MetadataObject = {}
    if (o['@odata.type']) out['@odata.type'] = o['@odata.type']
    for (const name of names) out[name] = o[name]
    out['MetadataId'] = o['MetadataId']
    return out
  })
}

export function filterObjects(
  objects: MetadataObject[],
  filterText: string | null | undefined,
  typeName: string,
  aliases?: ReadonlyMap<string, string>
): MetadataObject[] {
  if (filterText === null || filterText === undefined) return objects
  const predicate = compileFilter(filterText, metadataResolver(typeName, objects[0]), aliases)
  return objects.filter(predicate)
}

export interface ExpandSource {
  /** Navigation property name → objects related to the parent, with their type name. */
  [navigation: string]:
    | ((parent: MetadataObject) => { typeName: string; items: MetadataObject[]; single?: boolean })
    | undefined
}

/** $expand=Attributes(…),Keys(…) with nested $select and $filter (reference §2.5, §8.6). */
export function expandObjects(
  objects: MetadataObject[],
  expandText: string | null | undefined,
  sources: ExpandSource,
  parentType: string,
  aliases?: ReadonlyMap<string, string>
): MetadataObject[] {
  if (expandText === null || expandText === undefined) return objects
  const items = parseExpand(expandText)
  for (const item of items) {
    if (!Object.hasOwn(sources, item.property))
      throw errors.unknownProperty(parentType, item.property)
  }
  return objects.map((parent) => {
    const out = { ...parent }
    for (const item of items) {
      const related = sources[item.property]!(parent)
      let list = filterObjects(
        related.items,
        item.options.get('$filter'),
        related.typeName,
        aliases
      )
      list = selectProperties(list, item.options.get('$select'), related.typeName)
      // Single-valued navigation (OptionSet) expands to an object, collections to an array.
      out[item.property] = related.single ? (list[0] ?? null) : list
    }
    return out
  })
}
