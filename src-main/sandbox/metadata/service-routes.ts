import type { ApiResponse, RequestContext } from '../http/api-types'
import { errors } from '../http/errors'
import { json, noContent } from '../http/responses'
import { parseKeyPredicate } from '../odata/key-predicate'
import type { PathSegment } from '../odata/path'
import { collectAliases, compileFilter, type PropertyResolver } from '../odata/query-options'
import { stableGuid } from '../schema/model'
import { metadataResolver, selectProperties } from './metadata-query'

/** GET WhoAmI (reference §8.7): the caller's user, business unit and organisation. */
export function whoAmI(ctx: RequestContext): ApiResponse {
  const { organization } = ctx.state
  return json(200, {
    '@odata.context': `${ctx.root}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: organization.businessUnitId,
    UserId: stableGuid('systemuser', ctx.req.principal.oid),
    OrganizationId: organization.organizationId
  })
}

/** GET the service root: the entity sets the service offers (reference §8.7). */
export function serviceDocument(ctx: RequestContext): ApiResponse {
  const sets = ctx.state.catalog
    .tables()
    .map((t) => ({ name: t.entitySetName, kind: 'EntitySet', url: t.entitySetName }))
  sets.push({ name: 'EntityDefinitions', kind: 'EntitySet', url: 'EntityDefinitions' })
  sets.push({ name: 'organizations', kind: 'EntitySet', url: 'organizations' })
  sets.push({ name: 'sdkmessagefilters', kind: 'EntitySet', url: 'sdkmessagefilters' })
  return json(200, { '@odata.context': `${ctx.root}$metadata`, value: sets })
}

/**
 * The organizations table's one row, with expirechangetrackingindays (reference §1.7): readable,
 * and changeable within 0–365 so admins can try out token expiry.
 */
export function organizationsRoute(ctx: RequestContext, segment: PathSegment): ApiResponse {
  const { organization } = ctx.state
  const row = {
    '@odata.etag': `W/"${ctx.state.meta.get<number>('organizationVersion') ?? 1}"`,
    organizationid: organization.organizationId,
    name: organization.name,
    expirechangetrackingindays: organization.expireChangeTrackingInDays
  }
  if (ctx.req.method === 'GET') {
    const [value] = selectProperties([row], ctx.query.get('$select'), 'organization')
    const context = `${ctx.root}$metadata#organizations${ctx.query.get('$select') ? `(${ctx.query.get('$select')})` : ''}`
    if (segment.predicate) return json(200, { '@odata.context': `${context}/$entity`, ...value })
    return json(200, { '@odata.context': context, value: [value] })
  }
  if (ctx.req.method !== 'PATCH' || !segment.predicate)
    throw errors.methodNotAllowed(ctx.req.method)
  const key = parseKeyPredicate(segment.predicate)
  if (
    key.kind !== 'single' ||
    key.literal.kind !== 'guid' ||
    key.literal.value !== organization.organizationId
  ) {
    throw errors.recordNotFound('organization', segment.predicate)
  }
  let body: Record<string, unknown>
  try {
    body = JSON.parse(ctx.req.body) as Record<string, unknown>
  } catch {
    throw errors.payload('organization', 'The request body is not valid JSON.')
  }
  const days = body['expirechangetrackingindays']
  if (days !== undefined) {
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 365) {
      throw errors.badRequest(
        `A validation error occurred. The value ${String(days)} of 'expirechangetrackingindays' on record of type 'organization' is outside the valid range (0 to 365).`,
        '0x80044331'
      )
    }
    organization.expireChangeTrackingInDays = days
    ctx.state.write(() => {
      ctx.state.meta.set('organization', organization)
      ctx.state.meta.set(
        'organizationVersion',
        (ctx.state.meta.get<number>('organizationVersion') ?? 1) + 1
      )
    })
  }
  return noContent()
}

interface MessageFilter {
  sdkmessagefilterid: string
  primaryobjecttypecode: string
  message: string
}

/**
 * sdkmessagefilters, the documented way to ask whether a table supports CreateMultiple /
 * UpdateMultiple (reference §4.2); UpsertMultiple has no row of its own.
 */
export function sdkMessageFilters(ctx: RequestContext): ApiResponse {
  if (ctx.req.method !== 'GET') throw errors.methodNotAllowed(ctx.req.method)
  const rows: MessageFilter[] = []
  for (const table of ctx.state.catalog.tables()) {
    const messages = ['Create', 'Update', 'Delete', 'Retrieve', 'RetrieveMultiple']
    if (table.def.bulkMessages !== false) messages.push('CreateMultiple', 'UpdateMultiple')
    for (const message of messages) {
      rows.push({
        sdkmessagefilterid: stableGuid('sdkmessagefilter', table.logicalName, message),
        primaryobjecttypecode: table.logicalName,
        message
      })
    }
  }
  const base = metadataResolver('sdkmessagefilter', rows[0] as unknown as Record<string, unknown>)
  const resolver: PropertyResolver<MessageFilter> = {
    typeName: 'Microsoft.Dynamics.CRM.sdkmessagefilter',
    resolve(path) {
      if (path.length === 2 && path[0] === 'sdkmessageid' && path[1] === 'name') {
        return { kind: 'string', edmType: 'Edm.String', get: (row) => row.message }
      }
      if (path.length === 1 && (path[0] === 'message' || !Object.hasOwn(rows[0]!, path[0]!)))
        return undefined
      return base.resolve(path) as ReturnType<PropertyResolver<MessageFilter>['resolve']>
    }
  }
  const filterText = ctx.query.get('$filter')
  const matching = filterText
    ? rows.filter(compileFilter(filterText, resolver, collectAliases(ctx.query)))
    : rows
  const value = matching.map((r) => ({
    '@odata.etag': 'W/"1"',
    sdkmessagefilterid: r.sdkmessagefilterid,
    primaryobjecttypecode: r.primaryobjecttypecode
  }))
  const select = ctx.query.get('$select')
  const shaped = select
    ? value.map((v) =>
        Object.fromEntries(
          Object.entries(v).filter(
            ([k]) =>
              k === '@odata.etag' || k === 'sdkmessagefilterid' || select.split(',').includes(k)
          )
        )
      )
    : value
  return json(200, {
    '@odata.context': `${ctx.root}$metadata#sdkmessagefilters${select ? `(${select})` : ''}`,
    value: shaped
  })
}
