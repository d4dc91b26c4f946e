import { jsonPropertyOf, type ColumnInfo, type TableDetails } from '../../src-shared/model/metadata'
import type { MirrorRows, MirrorRow } from '../store/repositories/mirror-rows'
import type { StoredPlanItem } from '../store/repositories/plans'
import { sameValue } from './convert'

/** What to do with one planned item now, given what Dataverse holds at apply time. */
export type Decision =
  | { kind: 'send'; ifMatch: string | null; before: MirrorRow | undefined }
  /** The record already looks as the plan wants (an earlier, interrupted apply got there). */
  | { kind: 'done'; before: MirrorRow | undefined; reason: string }
  | { kind: 'conflict'; before: MirrorRow | undefined; reason: string }

/**
 * Compares a planned item with the freshly pulled mirror. An update whose record changed since
 * the plan (its ETag differs) is not overwritten but reported as a conflict, unless forced — and
 * a record that already holds the planned values is done without writing, which is what makes a
 * resumed or repeated apply send nothing twice.
 */
export function reconcile(
  item: StoredPlanItem,
  table: TableDetails,
  mirror: MirrorRows,
  force: boolean
): Decision {
  const columns = new Map(table.columns.map((c) => [c.logicalName, c]))
  const current = item.recordId ? mirror.get(item.recordId) : findByKey(item, table, mirror)
  const holdsPlannedValues = (row: MirrorRow): boolean => {
    const data = JSON.parse(row.data) as Record<string, unknown>
    return Object.entries(item.changes).every(([name, change]) => {
      const column = columns.get(name)
      return column !== undefined && sameValue(column, data[jsonPropertyOf(column)], change.to)
    })
  }
  switch (item.action) {
    case 'create': {
      if (!current) return { kind: 'send', ifMatch: null, before: undefined }
      if (holdsPlannedValues(current))
        return {
          kind: 'done',
          before: undefined,
          reason: 'The record already exists with the planned values.'
        }
      if (force) return { kind: 'send', ifMatch: null, before: current }
      return {
        kind: 'conflict',
        before: current,
        reason: `A record with key ${item.key} was created in Dataverse after the plan; it was not overwritten (apply with --force to overwrite).`
      }
    }
    case 'update':
    case 'deactivate': {
      if (!current)
        return {
          kind: 'conflict',
          before: undefined,
          reason: `Record ${item.key ?? item.recordId} was deleted in Dataverse after the plan.`
        }
      if (current.etag === item.etag)
        return { kind: 'send', ifMatch: force ? null : item.etag, before: current }
      if (holdsPlannedValues(current))
        return {
          kind: 'done',
          before: current,
          reason: 'The record already holds the planned values.'
        }
      if (force) return { kind: 'send', ifMatch: null, before: current }
      return {
        kind: 'conflict',
        before: current,
        reason: `Record ${item.key ?? item.recordId} changed in Dataverse after the plan (ETag ${item.etag} → ${current.etag}); it was not overwritten (apply with --force to overwrite).`
      }
    }
    case 'delete': {
      if (!current)
        return { kind: 'done', before: undefined, reason: 'The record was already deleted.' }
      if (current.etag === item.etag || force)
        return { kind: 'send', ifMatch: force ? null : item.etag, before: current }
      return {
        kind: 'conflict',
        before: current,
        reason: `Record ${item.key ?? item.recordId} changed in Dataverse after the plan; it was not deleted (apply with --force to delete anyway).`
      }
    }
    default:
      return { kind: 'done', before: current, reason: 'Nothing to apply.' }
  }
}

function findByKey(
  item: StoredPlanItem,
  table: TableDetails,
  mirror: MirrorRows
): MirrorRow | undefined {
  if (!item.keyValues) return undefined
  const names = Object.keys(item.keyValues)
  const columns = names
    .map((n) => table.columns.find((c) => c.logicalName === n))
    .filter((c): c is ColumnInfo => !!c)
  if (columns.length !== names.length) return undefined
  if (columns.length === 1 && columns[0]!.isPrimaryId)
    return mirror.get(String(item.keyValues[names[0]!]))
  return mirror.findByKey(
    columns.map(jsonPropertyOf),
    names.map((n) => item.keyValues![n])
  )
}
