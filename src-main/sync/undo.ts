import type { EnvironmentConfig } from '../../src-shared/model/environment'
import {
  isLookupType,
  jsonPropertyOf,
  type ColumnInfo,
  type TableDetails
} from '../../src-shared/model/metadata'
import type { ColumnChange, PlanAction } from '../../src-shared/model/push'
import type { RunItem } from '../../src-shared/model/run'
import type { DataverseClient } from '../dataverse/client'
import type { Store } from '../store/open'
import type { MirrorRow, MirrorRows } from '../store/repositories/mirror-rows'
import type { NewPlanItem, PlanPayload, StoredPlanItem } from '../store/repositories/plans'
import { sameValue } from './convert'
import { PullEngine } from './pull'
import { adoptPulls } from './run-parts'
import { runAccountOf } from './run-account'

export interface UndoRequest {
  environment: EnvironmentConfig
  /** The apply run to revert. */
  runId: number
  /** What happens to the records the apply created: deleted (default) or deactivated. */
  created?: 'delete' | 'deactivate'
  account?: string
}

export interface UndoPlan {
  planId: number
  runId: number
  counts: Record<PlanAction, number>
}

export class UndoError extends Error {
  override name = 'UndoError'
}

/**
 * Plans the reverse of an apply run: created records deleted (or deactivated), updated records
 * given back their before values, deactivated ones reactivated, deleted ones recreated from
 * their last values. It is an ordinary plan — previewed, excluded row by row, applied with ETag
 * guards — and a record someone changed after the apply is a conflict, never overwritten.
 */
export class UndoEngine {
  constructor(private readonly deps: { store: Store; client: DataverseClient }) {}

  async plan(request: UndoRequest): Promise<UndoPlan> {
    const { store, client } = this.deps
    const figuresBefore = client.metrics.snapshot()
    const run = store.runs.get(request.runId)
    if (!run || run.kind !== 'apply')
      throw new UndoError(
        `Run ${request.runId} is not an apply; only a push's apply can be undone.`
      )
    if (run.environmentId !== request.environment.id)
      throw new UndoError(`Run ${request.runId} wrote to another environment.`)
    const sourcePlanId = Number(run.details['planId'])
    const details = store.plans.details(sourcePlanId)
    const original = store.plans.get(sourcePlanId)
    if (!details || !original)
      throw new UndoError(
        `The plan of run ${request.runId} is gone (pruned?); the run can't be undone.`
      )
    const table = details.table
    // Judge "changed since" against Dataverse as it is now.
    const pulled = await new PullEngine({ store, client }).run({
      environment: request.environment,
      table: table.logicalName
    })
    const mirror = store.mirrors.rows(
      store.mirrors.find(request.environment.id, table.logicalName)!
    )
    // Lookups are restored by binding to the referenced record, which needs its entity set.
    const entitySets = new Map(
      (await client.metadata.listTables()).map((t) => [t.logicalName, t.entitySetName])
    )
    const planItems = new Map<number, StoredPlanItem>()
    for (const item of store.plans.items(sourcePlanId, { outcomes: ['done'] }))
      planItems.set(item.seq, item)

    const undoRunId = store.runs.start({
      kind: 'undo',
      mode: original.settings.mode,
      environmentId: request.environment.id,
      environmentName: request.environment.name,
      tableName: table.logicalName,
      account: request.account ?? runAccountOf(request.environment),
      details: { undoes: request.runId, sourcePlanId }
    })
    adoptPulls(store, [pulled], undoRunId)
    const planId = store.plans.create({
      runId: undoRunId,
      environmentId: request.environment.id,
      table: table.logicalName,
      settings: { ...original.settings, missing: 'ignore' },
      details
    })
    const items: NewPlanItem[] = []
    let seq = 1
    for (const done of store.runs.items(request.runId)) {
      // Only what this apply wrote is reverted; "already applied" was someone else's doing.
      if (done.outcome !== 'done') continue
      const planned = planItems.get(done.seq)
      items.push(
        reverse(done, planned, { table, entitySets }, mirror, seq++, request.created ?? 'delete')
      )
    }
    store.db.transaction(() => items.forEach((i) => store.plans.addItem(planId, i)))()
    const counts: Record<PlanAction, number> = {
      create: 0,
      update: 0,
      unchanged: 0,
      deactivate: 0,
      delete: 0,
      skip: 0,
      error: 0
    }
    for (const i of items) counts[i.action] += 1
    store.plans.setCounts(planId, counts)
    store.runs.progress(undoRunId, counts, client.metrics.since(figuresBefore))
    store.runs.finish(undoRunId, 'completed', null, { undoes: request.runId, sourcePlanId, planId })
    return { planId, runId: undoRunId, counts }
  }
}

interface Schema {
  table: TableDetails
  entitySets: ReadonlyMap<string, string>
}

function reverse(
  done: RunItem,
  planned: StoredPlanItem | undefined,
  schema: Schema,
  mirror: MirrorRows,
  seq: number,
  created: 'delete' | 'deactivate'
): NewPlanItem {
  const { table } = schema
  const columns = new Map(table.columns.map((c) => [c.logicalName, c]))
  const current = findCurrent(done, planned, table, mirror)
  const base = {
    seq,
    row: null,
    location: null,
    recordId: current?.id ?? done.recordId,
    key: done.recordKey,
    keyValues: planned?.keyValues ?? null,
    etag: current?.etag ?? null
  }
  const skip = (error: string): NewPlanItem => ({
    ...base,
    action: 'error',
    changes: {},
    payload: null,
    error
  })
  if (done.action === 'delete') {
    if (current)
      return skip(`Record ${done.recordKey ?? done.recordId} exists again; it was not recreated.`)
    return recreate(done, schema, base)
  }
  if (!current)
    return skip(
      `Record ${done.recordKey ?? done.recordId} no longer exists in Dataverse; nothing to revert.`
    )
  const now = JSON.parse(current.data) as Record<string, unknown>
  const written = Object.entries(planned?.changes ?? {})
  // Someone changed what this run wrote: reverting would overwrite their edit.
  const edited = written.find(([name, change]) => {
    const column = columns.get(name)
    return column !== undefined && !sameValue(column, now[jsonPropertyOf(column)], change.to)
  })
  if (edited) {
    return {
      ...base,
      action: 'error',
      changes: {},
      payload: null,
      error: `Record ${done.recordKey ?? current.id} was changed after the apply (${edited[0]} is no longer what the run wrote); it was left as it is.`
    }
  }
  if (done.action === 'create') {
    if (created === 'delete')
      return { ...base, action: 'delete', changes: {}, payload: null, error: null }
    return deactivation(base, table, now)
  }
  // update or deactivate: give back the before values of the columns the run changed.
  const changes: Record<string, ColumnChange> = {}
  const payload: PlanPayload = { values: {}, binds: {} }
  for (const [name, change] of written) {
    const column = columns.get(name)
    if (!column) continue
    changes[name] = { from: change.to, to: change.from }
    if (isLookupType(column.type))
      payload.binds[navigationOf(column)] = bindPath(column, change.from, schema)
    else payload.values[name] = change.from
  }
  return { ...base, action: 'update', changes, payload, error: null }
}

function findCurrent(
  done: RunItem,
  planned: StoredPlanItem | undefined,
  table: TableDetails,
  mirror: MirrorRows
): MirrorRow | undefined {
  if (done.recordId) return mirror.get(done.recordId)
  const keys = planned?.keyValues
  if (!keys) return undefined
  const names = Object.keys(keys)
  const cols = names.map((n) => table.columns.find((c) => c.logicalName === n)!)
  return mirror.findByKey(
    cols.map(jsonPropertyOf),
    names.map((n) => keys[n])
  )
}

function deactivation(
  base: Omit<NewPlanItem, 'action' | 'changes' | 'payload' | 'error'>,
  table: TableDetails,
  now: Record<string, unknown>
): NewPlanItem {
  const status = table.columns.find((c) => c.type === 'Status')
  const inactiveStatus = status?.options?.find((o) => o.state === 1)?.value
  if (inactiveStatus === undefined)
    return {
      ...base,
      action: 'error',
      changes: {},
      payload: null,
      error: `Table '${table.logicalName}' has no inactive state.`
    }
  return {
    ...base,
    action: 'deactivate',
    changes: {
      statecode: { from: now['statecode'] ?? null, to: 1 },
      statuscode: { from: now['statuscode'] ?? null, to: inactiveStatus }
    },
    payload: { values: { statecode: 1, statuscode: inactiveStatus }, binds: {} },
    error: null
  }
}

/** A deleted record comes back with its id and its last writable values. */
function recreate(
  done: RunItem,
  schema: Schema,
  base: Omit<NewPlanItem, 'action' | 'changes' | 'payload' | 'error'>
): NewPlanItem {
  const { table } = schema
  const before = done.before ?? {}
  const payload: PlanPayload = { values: {}, binds: {} }
  const changes: Record<string, ColumnChange> = {}
  for (const column of table.columns) {
    const value = before[jsonPropertyOf(column)]
    if (value === undefined || value === null || !column.validForCreate || column.isPrimaryId)
      continue
    if (isLookupType(column.type)) {
      if (column.targets?.length !== 1) continue
      payload.binds[navigationOf(column)] = bindPath(column, value, schema)
    } else {
      payload.values[column.logicalName] = value
    }
    changes[column.logicalName] = { from: null, to: value }
  }
  return {
    ...base,
    recordId: done.recordId,
    keyValues: { [table.primaryIdAttribute]: done.recordId },
    etag: null,
    action: 'create',
    changes,
    payload,
    error: null
  }
}

function navigationOf(column: ColumnInfo): string {
  const target = column.targets?.[0]
  return (target && column.navigation?.[target]) ?? column.logicalName
}

/** `accounts(<id>)` for a lookup value; '' clears the lookup. */
function bindPath(column: ColumnInfo, id: unknown, schema: Schema): string {
  const target = column.targets?.[0]
  const set = target ? schema.entitySets.get(target) : undefined
  if (id === null || id === undefined || !set) return ''
  return `${set}(${String(id)})`
}
