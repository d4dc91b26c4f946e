import type { ApiResponse, RequestContext } from '../http/api-types'
import { errors, ODataError } from '../http/errors'
import { json, noContent } from '../http/responses'
import { parseKeyPredicate } from '../odata/key-predicate'
import type { PathSegment } from '../odata/path'
import { collectAliases } from '../odata/query-options'
import type { ColumnModel, KeyModel, TableModel } from '../schema/model'
import {
  attributeDefinition,
  attributeODataType,
  entityDefinition,
  keyDefinition,
  optionSetDefinition,
  type MetadataObject
} from './definitions'
import { relationshipsOf } from './relationships'
import { createKey, deleteKey, type NewKey } from './keys'
import { expandObjects, filterObjects, selectProperties } from './metadata-query'

/**
 * EntityDefinitions and its Attributes and Keys (reference §8.6, §2.5). Metadata is never paged
 * ("All matching resources will be returned in the first response", §8.2).
 */
export function entityDefinitionsRoute(ctx: RequestContext, segments: PathSegment[]): ApiResponse {
  const [entitySegment, child, grandchild] = segments
  const { state, req } = ctx
  if (!entitySegment!.predicate) {
    if (req.method !== 'GET') throw errors.methodNotAllowed(req.method)
    if (child) throw errors.notFoundSegment(child.name)
    return collection(
      ctx,
      'EntityDefinitions',
      'EntityMetadata',
      state.catalog.tables().map(entityDefinition),
      expandSources(ctx)
    )
  }
  const table = findTable(ctx, entitySegment!.predicate)
  if (!child) return entityRoute(ctx, table)
  if (child.name === 'Attributes') return attributesRoute(ctx, table, child, grandchild)
  if (child.name === 'Keys') return keysRoute(ctx, table, child, grandchild)
  if (child.name === 'ManyToOneRelationships' || child.name === 'OneToManyRelationships') {
    if (ctx.req.method !== 'GET') throw errors.methodNotAllowed(ctx.req.method)
    if (child.predicate !== undefined || grandchild)
      throw errors.notFoundSegment(grandchild?.name ?? child.name)
    const items = relationshipsOf(ctx.state.catalog, table, child.name)
    return collection(
      ctx,
      `EntityDefinitions(${table.metadataId})/${child.name}`,
      'OneToManyRelationshipMetadata',
      items
    )
  }
  throw errors.notFoundSegment(child.name)
}

function findTable(ctx: RequestContext, predicate: string): TableModel {
  const target = metadataKey(predicate)
  const table = ctx.state.catalog
    .tables()
    .find((t) =>
      target.logicalName ? t.logicalName === target.logicalName : t.metadataId === target.id
    )
  if (!table) {
    const what = target.logicalName
      ? `LogicalName = '${target.logicalName}'`
      : `MetadataId = ${target.id}`
    throw new ODataError(404, '0x80040217', `Could not find an entity with ${what}.`)
  }
  return table
}

/** Metadata is addressed by MetadataId or by the LogicalName alternate key. */
function metadataKey(predicate: string): { logicalName?: string; id?: string } {
  const parsed = parseKeyPredicate(predicate)
  if (parsed.kind === 'single' && parsed.literal.kind === 'guid')
    return { id: parsed.literal.value }
  if (parsed.kind === 'named' && parsed.pairs.length === 1) {
    const pair = parsed.pairs[0]!
    if (pair.name === 'LogicalName' && pair.literal.kind === 'string')
      return { logicalName: pair.literal.value }
    if (pair.name === 'MetadataId' && pair.literal.kind === 'guid')
      return { id: pair.literal.value }
  }
  throw errors.uriParse(
    `The key in the request URI is not valid for this metadata resource: (${predicate}).`
  )
}

function entityRoute(ctx: RequestContext, table: TableModel): ApiResponse {
  if (ctx.req.method === 'PUT') return updateEntityDefinition(ctx, table)
  if (ctx.req.method !== 'GET') throw errors.methodNotAllowed(ctx.req.method)
  return single(
    ctx,
    'EntityDefinitions',
    'EntityMetadata',
    entityDefinition(table),
    expandSources(ctx)
  )
}

/**
 * PUT EntityDefinitions(…) with the definition (reference §8.6): the sandbox applies
 * ChangeTrackingEnabled and keeps the rest; tracking can't be turned off again (§1.1).
 */
function updateEntityDefinition(ctx: RequestContext, table: TableModel): ApiResponse {
  let body: Record<string, unknown>
  try {
    body = JSON.parse(ctx.req.body) as Record<string, unknown>
  } catch {
    throw errors.badRequest('The request body is not valid JSON.', '0x80048d19')
  }
  const wanted = body?.['ChangeTrackingEnabled']
  if (typeof wanted === 'boolean' && wanted !== table.def.changeTracking) {
    if (!wanted) {
      throw errors.badRequest(
        `Change tracking can't be disabled once it has been enabled for table '${table.logicalName}'.`
      )
    }
    if (table.def.canChangeTrackingBeEnabled === false) {
      throw errors.badRequest(
        `Change tracking can't be enabled for table '${table.logicalName}' (CanChangeTrackingBeEnabled is false).`
      )
    }
    ctx.state.write(() =>
      ctx.state.catalog.updateTable(table.logicalName, (def) => (def.changeTracking = true))
    )
  }
  return noContent()
}

function attributesRoute(
  ctx: RequestContext,
  table: TableModel,
  segment: PathSegment,
  cast?: PathSegment
): ApiResponse {
  if (ctx.req.method !== 'GET') throw errors.methodNotAllowed(ctx.req.method)
  let columns = table.columns
  let typeName = 'AttributeMetadata'
  if (cast) {
    if (!cast.name.startsWith('Microsoft.Dynamics.CRM.')) throw errors.notFoundSegment(cast.name)
    columns = columns.filter((c) => attributeODataType(c) === cast.name)
    typeName = cast.name.slice('Microsoft.Dynamics.CRM.'.length)
  }
  const sources = { OptionSet: optionSetSource(table), GlobalOptionSet: globalOptionSetSource }
  if (segment.predicate) {
    const target = metadataKey(segment.predicate)
    const column = columns.find((c) =>
      target.logicalName ? c.name === target.logicalName : c.metadataId === target.id
    )
    if (!column) throw errors.notFoundSegment(`Attributes(${segment.predicate})`)
    return single(
      ctx,
      `EntityDefinitions(${table.metadataId})/Attributes`,
      typeName,
      attributeDefinition(table, column),
      sources
    )
  }
  const items = columns.map((c) => attributeDefinition(table, c))
  return collection(
    ctx,
    `EntityDefinitions(${table.metadataId})/Attributes`,
    typeName,
    items,
    sources
  )
}

function optionSetSource(table: TableModel) {
  return (parent: MetadataObject) => {
    const column = table.columns.find((c: ColumnModel) => c.metadataId === parent['MetadataId'])
    return {
      typeName: 'OptionSetMetadata',
      items: column?.options ? [optionSetDefinition(table, column)] : [],
      single: true
    }
  }
}

/** The sandbox's option sets are all local (IsGlobal false), so GlobalOptionSet expands to null. */
const globalOptionSetSource = () => ({
  typeName: 'OptionSetMetadata',
  items: [],
  single: true
})

function keysRoute(
  ctx: RequestContext,
  table: TableModel,
  segment: PathSegment,
  extra?: PathSegment
): ApiResponse {
  if (extra) throw errors.notFoundSegment(extra.name)
  const { method } = ctx.req
  if (!segment.predicate) {
    if (method === 'POST') {
      let body: NewKey
      try {
        body = JSON.parse(ctx.req.body) as NewKey
      } catch {
        throw errors.badRequest('The request body is not valid JSON.', '0x80048d19')
      }
      const id = ctx.state.write(() => createKey(ctx.state, table, body ?? {}))
      return noContent({
        'OData-EntityId': `${ctx.root}EntityDefinitions(${table.metadataId})/Keys(${id})`
      })
    }
    if (method !== 'GET') throw errors.methodNotAllowed(method)
    return collection(
      ctx,
      `EntityDefinitions(${table.metadataId})/Keys`,
      'EntityKeyMetadata',
      table.keys.map((k) => keyDefinition(table, k))
    )
  }
  const target = metadataKey(segment.predicate)
  const key = table.keys.find((k: KeyModel) =>
    target.logicalName ? k.logicalName === target.logicalName : k.metadataId === target.id
  )
  if (!key) throw errors.notFoundSegment(`Keys(${segment.predicate})`)
  if (method === 'DELETE') {
    ctx.state.write(() => deleteKey(ctx.state, table, key.logicalName))
    return noContent()
  }
  if (method !== 'GET') throw errors.methodNotAllowed(method)
  return single(
    ctx,
    `EntityDefinitions(${table.metadataId})/Keys`,
    'EntityKeyMetadata',
    keyDefinition(table, key)
  )
}

function expandSources(ctx: RequestContext) {
  const byId = (parent: MetadataObject): TableModel =>
    ctx.state.catalog.tables().find((t) => t.metadataId === parent['MetadataId'])!
  return {
    Attributes: (parent: MetadataObject) => {
      const table = byId(parent)
      return {
        typeName: 'AttributeMetadata',
        items: table.columns.map((c) => attributeDefinition(table, c))
      }
    },
    Keys: (parent: MetadataObject) => {
      const table = byId(parent)
      return {
        typeName: 'EntityKeyMetadata',
        items: table.keys.map((k) => keyDefinition(table, k))
      }
    },
    ManyToOneRelationships: (parent: MetadataObject) => ({
      typeName: 'OneToManyRelationshipMetadata',
      items: relationshipsOf(ctx.state.catalog, byId(parent), 'ManyToOneRelationships')
    }),
    OneToManyRelationships: (parent: MetadataObject) => ({
      typeName: 'OneToManyRelationshipMetadata',
      items: relationshipsOf(ctx.state.catalog, byId(parent), 'OneToManyRelationships')
    })
  }
}

type Sources = Parameters<typeof expandObjects>[2]

function shape(
  ctx: RequestContext,
  objects: MetadataObject[],
  typeName: string,
  sources: Sources
): MetadataObject[] {
  const aliases = collectAliases(ctx.query)
  const filtered = filterObjects(objects, ctx.query.get('$filter'), typeName, aliases)
  const selected = selectProperties(filtered, ctx.query.get('$select'), typeName)
  return expandObjects(selected, ctx.query.get('$expand'), sources, typeName, aliases)
}

function contextOf(ctx: RequestContext, path: string): string {
  const select = ctx.query.get('$select')
  return `${ctx.root}$metadata#${path}${select ? `(${select})` : ''}`
}

function collection(
  ctx: RequestContext,
  path: string,
  typeName: string,
  objects: MetadataObject[],
  sources: Sources = {}
): ApiResponse {
  const value = shape(ctx, objects, typeName, sources)
  return json(200, { '@odata.context': contextOf(ctx, path), value })
}

function single(
  ctx: RequestContext,
  path: string,
  typeName: string,
  object: MetadataObject,
  sources: Sources = {}
): ApiResponse {
  const [value] = shape(ctx, [object], typeName, sources)
  return json(200, { '@odata.context': `${contextOf(ctx, path)}/$entity`, ...value })
}
