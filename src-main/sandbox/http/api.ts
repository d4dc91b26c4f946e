import { BULK_ACTIONS, runBulkAction, type BulkAction } from '../data/bulk-actions'
import { countChanges, isTrackingRequest, trackChanges } from '../data/change-tracking'
import {
  createEntity,
  deleteEntity,
  propertyRoute,
  readEntity,
  upsertEntity
} from '../data/entity-routes'
import { countCollection, queryCollection } from '../data/query-collection'
import { findRecord, notFound, resolveIdentity } from '../data/records'
import { csdlDocument } from '../metadata/csdl'
import { reactivateKey, runKeyJobs } from '../metadata/keys'
import { entityDefinitionsRoute } from '../metadata/metadata-routes'
import {
  organizationsRoute,
  sdkMessageFilters,
  serviceDocument,
  whoAmI
} from '../metadata/service-routes'
import { parseApiPath, type PathSegment } from '../odata/path'
import { parsePrefer } from '../odata/prefer'
import type { TableModel } from '../schema/model'
import type { SandboxState } from '../state'
import type { ApiRequest, ApiResponse, RequestContext } from './api-types'
import { handleBatch } from './batch'
import { errors, ODataError } from './errors'
import { errorResponse, noContent } from './responses'

/**
 * The Web API, as one synchronous function from request to response. Synchronous on purpose:
 * nothing can interleave with a write or a $batch change set, so SQLite transactions stay whole.
 */
export function handleApi(state: SandboxState, req: ApiRequest): ApiResponse {
  try {
    return route(state, req)
  } catch (err) {
    if (err instanceof ODataError) return errorResponse(err)
    // A bug in the sandbox must still answer in the documented error shape, never crash.
    const message = err instanceof Error ? err.message : String(err)
    return errorResponse(
      new ODataError(500, '0x80040216', `An unexpected error occurred in the sandbox: ${message}`)
    )
  }
}

function route(state: SandboxState, req: ApiRequest): ApiResponse {
  const parsed = parseApiPath(req.url.pathname)
  if (!parsed) throw errors.notFoundSegment(req.url.pathname)
  runKeyJobs(state)
  const ctx: RequestContext = {
    state,
    req,
    root: `${req.url.origin}/api/data/${parsed.version}/`,
    prefs: parsePrefer(req.headers['prefer']),
    query: req.url.searchParams
  }
  const [first, ...rest] = parsed.segments
  if (!first) return only(ctx, 'GET', () => serviceDocument(ctx))
  switch (first.name) {
    case '$metadata':
      return only(ctx, 'GET', () => csdlDocument(ctx))
    case '$batch':
      return only(ctx, 'POST', () => batch(state, ctx))
    case 'WhoAmI':
    case 'WhoAmI()':
      return only(ctx, 'GET', () => whoAmI(ctx))
    case 'EntityDefinitions':
      return entityDefinitionsRoute(ctx, parsed.segments)
    case 'organizations':
      return organizationsRoute(ctx, first)
    case 'sdkmessagefilters':
      return sdkMessageFilters(ctx)
    case 'ReactivateEntityKey':
    case 'Microsoft.Dynamics.CRM.ReactivateEntityKey':
      return only(ctx, 'POST', () => {
        let body: unknown
        try {
          body = JSON.parse(ctx.req.body || '{}')
        } catch {
          throw errors.badRequest('The request body is not valid JSON.', '0x80048d19')
        }
        ctx.state.write(() => reactivateKey(ctx.state, body))
        return noContent()
      })
  }
  const table = state.catalog.tableBySet(first.name)
  if (!table) throw errors.notFoundSegment(first.name)
  return first.predicate === undefined
    ? collectionRoute(ctx, table, rest)
    : entityRoute(ctx, table, first.predicate, rest)
}

function only(ctx: RequestContext, method: string, handler: () => ApiResponse): ApiResponse {
  if (ctx.req.method !== method) throw errors.methodNotAllowed(ctx.req.method)
  return handler()
}

function collectionRoute(ctx: RequestContext, table: TableModel, rest: PathSegment[]): ApiResponse {
  const [next, ...more] = rest
  if (more.length) throw errors.notFoundSegment(more[0]!.name)
  if (!next) {
    if (ctx.req.method === 'GET')
      return isTrackingRequest(ctx) ? trackChanges(ctx, table) : queryCollection(ctx, table)
    if (ctx.req.method === 'POST') return createEntity(ctx, table)
    throw errors.methodNotAllowed(ctx.req.method)
  }
  if (next.name === '$count') {
    return only(ctx, 'GET', () =>
      ctx.query.has('$deltatoken') ? countChanges(ctx, table) : countCollection(ctx, table)
    )
  }
  const action = next.name.startsWith('Microsoft.Dynamics.CRM.') ? next.name.slice(23) : next.name
  if ((BULK_ACTIONS as readonly string[]).includes(action)) {
    return only(ctx, 'POST', () => runBulkAction(ctx, table, action as BulkAction))
  }
  throw errors.notFoundSegment(next.name)
}

function entityRoute(
  ctx: RequestContext,
  table: TableModel,
  predicate: string,
  rest: PathSegment[]
): ApiResponse {
  const [next, ...more] = rest
  if (!next) {
    switch (ctx.req.method) {
      case 'GET':
        return readEntity(ctx, table, predicate)
      case 'PATCH':
        return upsertEntity(ctx, table, predicate)
      case 'DELETE':
        return deleteEntity(ctx, table, predicate)
      default:
        throw errors.methodNotAllowed(ctx.req.method)
    }
  }
  if (more.length) throw errors.notFoundSegment(more[0]!.name)
  const collectionNav = table.collectionNavigation.get(next.name)
  if (collectionNav) {
    return only(ctx, 'GET', () => {
      const identity = resolveIdentity(table, predicate)
      const parent = findRecord(ctx.state, table, identity)
      if (!parent) throw notFound(table, identity)
      const referencing = ctx.state.catalog.table(collectionNav.table)!
      const id = parent[table.primaryId]
      return queryCollection(ctx, referencing, (row) => row[collectionNav.column] === id)
    })
  }
  return propertyRoute(ctx, table, predicate, next.name)
}

/** $batch: each part runs through this same API, change sets inside one transaction. */
function batch(state: SandboxState, ctx: RequestContext): ApiResponse {
  const result = handleBatch(ctx.req.headers['content-type'], ctx.req.body, ctx.req.headers, {
    serviceRoot: ctx.root,
    dispatch: (inner) => {
      const url = new URL(inner.url)
      if (url.origin !== ctx.req.url.origin)
        throw errors.badRequest(`The batch part URL '${inner.url}' is not on this service.`)
      if (parseApiPath(url.pathname)?.segments[0]?.name === '$batch')
        throw errors.badRequest("Batches can't be nested.")
      const response = route(state, {
        ...ctx.req,
        method: inner.method,
        url,
        headers: inner.headers,
        body: inner.body
      })
      return response.body === undefined
        ? { status: response.status, headers: response.headers }
        : { status: response.status, headers: response.headers, body: response.body }
    },
    transaction: (fn) => state.write(fn)
  })
  return { status: result.status, headers: result.headers, body: result.body }
}
