import type { ApiResponse, RequestContext } from '../http/api-types'
import { errors } from '../http/errors'
import { json, noContent } from '../http/responses'
import type { TableModel } from '../schema/model'
import type { Row } from '../storage/table-store'
import { convertPayload, convertValue } from './payload'
import {
  checkKnownOptions,
  preferenceApplied,
  refuseExpand,
  rowWriter,
  selection
} from './query-options-use'
import {
  createRecord,
  deleteRecord,
  findRecord,
  keyColumnValues,
  notFound,
  resolveBind,
  resolveIdentity,
  updateRecord,
  type RecordIdentity
} from './records'
import { etagOf, jsonValue } from './row-json'

/** Reads a JSON request body, or fails the way the OData layer does for a broken one. */
export function parseBody(ctx: RequestContext, table: TableModel): unknown {
  if (!ctx.req.body.trim())
    throw errors.payload(table.logicalName, 'The request body is empty; a JSON object is expected.')
  try {
    return JSON.parse(ctx.req.body)
  } catch (err) {
    throw errors.payload(
      table.logicalName,
      `The request body is not valid JSON: ${(err as Error).message}`
    )
  }
}

const wantsRepresentation = (ctx: RequestContext): boolean =>
  ctx.prefs.get('return') === 'representation'

function representation(
  ctx: RequestContext,
  table: TableModel,
  row: Row,
  status: 200 | 201
): ApiResponse {
  const { columns, text } = selection(table, ctx.query)
  const body = {
    '@odata.context': `${ctx.root}$metadata#${table.entitySetName}${text ? `(${text})` : ''}/$entity`,
    ...rowWriter(ctx, table, columns)(row)
  }
  return json(status, body, {
    ETag: etagOf(row),
    ...preferenceApplied(ctx, ['return=representation'])
  })
}

const entityUrl = (ctx: RequestContext, table: TableModel, row: Row): string =>
  `${ctx.root}${table.entitySetName}(${String(row[table.primaryId])})`

/** POST <set>: create (reference §8.5). 204 with OData-EntityId, or 201 with the record. */
export function createEntity(ctx: RequestContext, table: TableModel): ApiResponse {
  const values = convertPayload(parseBody(ctx, table), {
    table,
    operation: 'create',
    resolveBind: (url, allowed) => resolveBind(ctx.state, url, allowed)
  })
  const row = ctx.state.write(() => createRecord(ctx.state, table, values))
  if (wantsRepresentation(ctx)) return representation(ctx, table, row, 201)
  return noContent({ 'OData-EntityId': entityUrl(ctx, table, row) })
}

/** GET <set>(key): one record; 304 when If-None-Match still matches (reference §3.3). */
export function readEntity(ctx: RequestContext, table: TableModel, predicate: string): ApiResponse {
  checkKnownOptions(ctx.query)
  refuseExpand(ctx.query)
  const identity = resolveIdentity(table, predicate)
  const row = findRecord(ctx.state, table, identity)
  if (!row) throw notFound(table, identity)
  const ifNoneMatch = ctx.req.headers['if-none-match']
  // Never 304 when annotations are asked for, nor on a table without optimistic concurrency
  // (§3.3); $expand, the other case, is refused above.
  const annotated = ctx.prefs.has('odata.include-annotations')
  if (ifNoneMatch && ifNoneMatch === etagOf(row) && !annotated && versioned(table)) {
    return {
      status: 304,
      headers: {
        'OData-Version': '4.0',
        'Content-Type': 'application/json; odata.metadata=minimal'
      }
    }
  }
  const response = representation(ctx, table, row, 200)
  delete response.headers['Preference-Applied']
  const applied = preferenceApplied(ctx, [])
  return { ...response, headers: { ...response.headers, ...applied } }
}

/** Whether the table takes ETag preconditions (IsOptimisticConcurrencyEnabled, §3.3). */
const versioned = (table: TableModel): boolean => table.def.isOptimisticConcurrencyEnabled !== false

/** Evaluates If-Match / If-None-Match for a write (reference §3.1–3.3). */
function checkPreconditions(
  ctx: RequestContext,
  table: TableModel,
  identity: RecordIdentity,
  row: Row | undefined
): void {
  const ifMatch = ctx.req.headers['if-match']
  const ifNoneMatch = ctx.req.headers['if-none-match']
  if (ifMatch) {
    // An ETag (not `*`) asks for IfVersionMatches, which needs optimistic concurrency (§3.3).
    if (ifMatch !== '*' && !versioned(table))
      throw errors.optimisticConcurrencyNotEnabled(table.logicalName)
    if (!row) throw notFound(table, identity)
    if (ifMatch !== '*' && !ifMatch.split(',').some((tag) => tag.trim() === etagOf(row)))
      throw errors.concurrencyMismatch()
  }
  // `If-None-Match: null` is the docs' cache-defeating header, not a precondition (§3.2).
  if (ifNoneMatch === '*' && row) throw errors.alreadyExists()
}

/** PATCH <set>(key): update, or create when missing — upsert (reference §3.1). */
export function upsertEntity(
  ctx: RequestContext,
  table: TableModel,
  predicate: string
): ApiResponse {
  const identity = resolveIdentity(table, predicate)
  const body = parseBody(ctx, table)
  const result = ctx.state.write(() => {
    const existing = findRecord(ctx.state, table, identity)
    checkPreconditions(ctx, table, identity, existing)
    const values = convertPayload(body, {
      table,
      operation: existing ? 'update' : 'create',
      resolveBind: (url, allowed) => resolveBind(ctx.state, url, allowed)
    })
    if (existing) {
      // The key that names the record can't change it: its values are dropped from the body.
      if (identity.kind === 'key') for (const column of identity.key.columns) delete values[column]
      return { row: updateRecord(ctx.state, table, existing, values), created: false }
    }
    if (identity.kind === 'key') {
      // On create, body values for key columns win; missing ones come from the URL (§3.1).
      for (const [column, value] of Object.entries(keyColumnValues(table, identity))) {
        if (!(column in values)) values[column] = value
      }
    }
    const id = identity.kind === 'id' ? identity.id : undefined
    return { row: createRecord(ctx.state, table, values, id), created: true }
  })
  if (wantsRepresentation(ctx))
    return representation(ctx, table, result.row, result.created ? 201 : 200)
  return noContent({ 'OData-EntityId': `${ctx.req.url.origin}${ctx.req.url.pathname}` })
}

/** DELETE <set>(key), honouring If-Match (reference §3.3, §8.5). */
export function deleteEntity(
  ctx: RequestContext,
  table: TableModel,
  predicate: string
): ApiResponse {
  const identity = resolveIdentity(table, predicate)
  ctx.state.write(() => {
    const existing = findRecord(ctx.state, table, identity)
    if (!existing) throw notFound(table, identity)
    checkPreconditions(ctx, table, identity, existing)
    deleteRecord(ctx.state, table, existing)
  })
  return noContent()
}

/** GET/PUT/DELETE <set>(key)/<column>: one property (used by $batch's `PUT $1/lastname`). */
export function propertyRoute(
  ctx: RequestContext,
  table: TableModel,
  predicate: string,
  property: string
): ApiResponse {
  const column = table.columnsByJsonName.get(property)
  if (!column) throw errors.unknownProperty(table.logicalName, property)
  const identity = resolveIdentity(table, predicate)
  const method = ctx.req.method
  if (method === 'GET') {
    const row = findRecord(ctx.state, table, identity)
    if (!row) throw notFound(table, identity)
    return json(200, {
      '@odata.context': `${ctx.root}$metadata#${table.entitySetName}(${String(row[table.primaryId])})/${property}`,
      value: jsonValue(column, row[column.name])
    })
  }
  if (method !== 'PUT' && method !== 'DELETE') throw errors.methodNotAllowed(method)
  if (column.isPrimaryId || column.isSystem || column.computed || column.jsonName !== column.name) {
    throw errors.badRequest(`The property '${property}' can't be set directly.`, '0x80048d19')
  }
  let value: unknown = null
  if (method === 'PUT') {
    const body = parseBody(ctx, table) as { value?: unknown } | null
    if (!body || typeof body !== 'object' || !('value' in body)) {
      throw errors.payload(table.logicalName, 'A single-property update needs a body {"value": …}.')
    }
    value = convertValue(table, column, body.value)
  }
  ctx.state.write(() => {
    const row = findRecord(ctx.state, table, identity)
    if (!row) throw notFound(table, identity)
    updateRecord(ctx.state, table, row, { [column.name]: value })
  })
  return noContent()
}
