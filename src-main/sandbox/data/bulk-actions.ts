import type { ApiResponse, RequestContext } from '../http/api-types'
import { errors } from '../http/errors'
import { json, noContent } from '../http/responses'
import { parseApiPath } from '../odata/path'
import type { TableModel } from '../schema/model'
import { parseBody } from './entity-routes'
import { convertPayload } from './payload'
import {
  createRecord,
  findRecord,
  keyColumnValues,
  notFound,
  resolveBind,
  resolveIdentity,
  updateRecord,
  type RecordIdentity
} from './records'

/**
 * CreateMultiple, UpdateMultiple and UpsertMultiple bound to an entity set (reference §4). On
 * standard tables they are all-or-nothing: the first failing target rolls back the whole
 * request and its error is the response.
 */
export const BULK_ACTIONS = ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple'] as const
export type BulkAction = (typeof BULK_ACTIONS)[number]

function targetsOf(ctx: RequestContext, table: TableModel): Record<string, unknown>[] {
  const body = parseBody(ctx, table) as { Targets?: unknown }
  const targets = body && typeof body === 'object' ? body.Targets : undefined
  if (!Array.isArray(targets) || targets.length === 0) {
    throw errors.badRequest(
      "The 'Targets' parameter must be a non-empty array of records.",
      '0x80048d19'
    )
  }
  const type = `Microsoft.Dynamics.CRM.${table.logicalName}`
  targets.forEach((target, i) => {
    if (!target || typeof target !== 'object' || Array.isArray(target)) {
      throw errors.badRequest(`Targets[${i}] is not a record object.`, '0x80048d19')
    }
    const declared = (target as Record<string, unknown>)['@odata.type']
    if (declared !== type && declared !== `#${type}`) {
      throw errors.badRequest(
        `Targets[${i}]: you must set the @odata.type property of each record to '${type}' (found ${declared === undefined ? 'none' : `'${String(declared)}'`}).`,
        '0x80048d19'
      )
    }
  })
  return targets as Record<string, unknown>[]
}

const payload = (
  ctx: RequestContext,
  table: TableModel,
  target: unknown,
  operation: 'create' | 'update'
) =>
  convertPayload(target, {
    table,
    operation,
    resolveBind: (url, allowed) => resolveBind(ctx.state, url, allowed)
  })

export function runBulkAction(
  ctx: RequestContext,
  table: TableModel,
  action: BulkAction
): ApiResponse {
  if (table.def.bulkMessages === false) {
    throw errors.notFoundSegment(`Microsoft.Dynamics.CRM.${action}`)
  }
  const targets = targetsOf(ctx, table)
  if (action === 'CreateMultiple') {
    const ids = ctx.state.write(() =>
      targets.map(
        (t) =>
          createRecord(ctx.state, table, payload(ctx, table, t, 'create'))[
            table.primaryId
          ] as string
      )
    )
    return json(200, {
      '@odata.context': `${ctx.root}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
      Ids: ids
    })
  }
  if (action === 'UpdateMultiple') {
    ctx.state.write(() => {
      const seen = new Set<string>()
      targets.forEach((target, i) => {
        const id = target[table.primaryId]
        if (typeof id !== 'string') {
          throw errors.badRequest(
            `Targets[${i}] has no '${table.primaryId}'. UpdateMultiple identifies records by primary key; alternate keys are not supported with the Web API.`,
            '0x80048d19'
          )
        }
        // Later duplicates of a record are ignored (reference §4.1).
        if (seen.has(id.toLowerCase())) return
        seen.add(id.toLowerCase())
        const identity: RecordIdentity = { kind: 'id', id: id.toLowerCase() }
        const existing = findRecord(ctx.state, table, identity)
        if (!existing) throw notFound(table, identity)
        updateRecord(ctx.state, table, existing, payload(ctx, table, target, 'update'))
      })
    })
    return noContent()
  }
  ctx.state.write(() => {
    const seen = new Set<string>()
    targets.forEach((target, i) => upsertTarget(ctx, table, target, i, seen))
  })
  return noContent()
}

function upsertTarget(
  ctx: RequestContext,
  table: TableModel,
  target: Record<string, unknown>,
  index: number,
  seen: Set<string>
): void {
  const identity = targetIdentity(table, target, index)
  const existing = findRecord(ctx.state, table, identity)
  // Duplicates are refused (§4.1) whether the record existed before the request or an earlier
  // target created it: remember both how each target named its record and which record it was.
  const named = identityKey(identity)
  const recordKey = existing ? `id:${String(existing[table.primaryId])}` : undefined
  if (seen.has(named) || (recordKey && seen.has(recordKey))) {
    throw errors.badRequest(
      `Targets[${index}] names the same record as an earlier target; UpsertMultiple does not accept duplicates.`,
      '0x80040237'
    )
  }
  seen.add(named)
  const values = payload(ctx, table, target, existing ? 'update' : 'create')
  if (identity.kind === 'key') {
    if (existing) {
      for (const column of identity.key.columns) delete values[column]
    } else {
      // Public code reports a 400 on the create path when key columns are both in @odata.id and
      // in the body (PowerPlatform-DataverseClient-Python PR #127, peers.md §3 #16).
      const repeated = identity.key.columns.filter((c) => c in values)
      if (repeated.length) {
        throw errors.badRequest(
          `Targets[${index}]: the alternate key column(s) ${repeated.join(', ')} appear both in @odata.id and in the record. Leave key values out of the body.`,
          '0x80048d19'
        )
      }
      Object.assign(values, keyColumnValues(table, identity))
    }
  }
  const row = existing
    ? updateRecord(ctx.state, table, existing, values)
    : createRecord(ctx.state, table, values, identity.kind === 'id' ? identity.id : undefined)
  seen.add(`id:${String(row[table.primaryId])}`)
}

/** How a target named its record; text compares case-insensitively, as the key index does. */
function identityKey(identity: RecordIdentity): string {
  if (identity.kind === 'id') return `id:${identity.id}`
  const values = [...identity.values].map(([column, value]) => [
    column,
    typeof value === 'string' ? value.toLowerCase() : value
  ])
  return `key:${identity.key.logicalName}:${JSON.stringify(values.sort())}`
}

function targetIdentity(
  table: TableModel,
  target: Record<string, unknown>,
  index: number
): RecordIdentity {
  const ref = target['@odata.id']
  if (typeof ref === 'string') {
    const path = ref.startsWith('/')
      ? ref
      : `/api/data/v9.2/${ref.replace(/^https?:\/\/[^/]+\/api\/data\/v9\.\d\//, '')}`
    const segment = parseApiPath(path)?.segments[0]
    if (!segment?.predicate || segment.name !== table.entitySetName) {
      throw errors.badRequest(
        `Targets[${index}]: @odata.id '${ref}' must be ${table.entitySetName}(<key>).`,
        '0x80048d19'
      )
    }
    return resolveIdentity(table, segment.predicate)
  }
  const id = target[table.primaryId]
  if (typeof id === 'string') return { kind: 'id', id: id.toLowerCase() }
  throw errors.badRequest(
    `Targets[${index}] has neither @odata.id nor '${table.primaryId}': UpsertMultiple needs one of them to find the record.`,
    '0x80048d19'
  )
}
