import type { TableDetails } from '../../src-shared/model/metadata'
import type { MissingRows } from '../../src-shared/model/push'
import type { MirrorRow, MirrorRows } from '../store/repositories/mirror-rows'
import type { NewPlanItem } from '../store/repositories/plans'

/** Source rows whose key could not be read, the first few named in messages. */
export class UnreadableKeys {
  count = 0
  readonly rows: number[] = []

  add(row: number): void {
    this.count += 1
    if (this.rows.length < 5) this.rows.push(row)
  }
}

/**
 * While some source rows have no readable key, nobody can tell whether a record the other rows
 * did not match is really gone from the source: deleting or deactivating it would act on a guess
 * (issue 19, item 2). Each such record becomes an error item saying why and what to do.
 */
function missingRefusal(missing: 'delete' | 'deactivate', unreadable: UnreadableKeys): string {
  const rows = unreadable.rows.join(', ') + (unreadable.count > unreadable.rows.length ? ', …' : '')
  const verb = missing === 'delete' ? 'deleted' : 'deactivated'
  return `Not ${verb}: ${unreadable.count === 1 ? '1 source row has' : `${unreadable.count} source rows have`} no readable key (row ${rows}), so this record may still be in the source. Fix the key in those rows, or set missing records to "ignore" for this push.`
}

/**
 * Mirror records that no source row matched: deactivated (statecode/statuscode) or deleted, as
 * the admin chose. Reads the temporary table of matched ids the row planner filled, a page at a
 * time so the caller can write items between pages. While source rows had no readable key, each
 * such record is an error item saying so instead (the source can't say which are missing).
 */
export function* planMissing(
  rows: MirrorRows,
  missing: Exclude<MissingRows, 'ignore'>,
  table: TableDetails,
  nextSeq: () => number,
  unreadable: UnreadableKeys
): Generator<NewPlanItem> {
  const refusal = unreadable.count ? missingRefusal(missing, unreadable) : undefined
  const planned = missingItem(missing, table)
  const toItem = refusal
    ? (row: MirrorRow, seq: () => number): NewPlanItem | undefined => {
        const item = planned(row, seq)
        return item && { ...item, action: 'error', changes: {}, payload: null, error: refusal }
      }
    : planned
  let page = rows.notIn('temp.plan_seen', '', 1000)
  while (page.length > 0) {
    for (const row of page) {
      const item = toItem(row, nextSeq)
      if (item) yield item
    }
    page = rows.notIn('temp.plan_seen', page.at(-1)!.id, 1000)
  }
}

function missingItem(missing: Exclude<MissingRows, 'ignore'>, table: TableDetails) {
  const state = table.columns.find((c) => c.type === 'State')
  const status = table.columns.find((c) => c.type === 'Status')
  const inactiveState = state?.options?.find((o) => o.value === 1)?.value
  const inactiveStatus = status?.options?.find((o) => o.state === inactiveState)?.value
  const keyColumns = table.keys.find((k) => k.status === 'Active')?.columns ?? []
  return (row: MirrorRow, nextSeq: () => number): NewPlanItem | undefined => {
    const data = JSON.parse(row.data) as Record<string, unknown>
    // Already inactive: nothing to do for this record.
    if (
      missing === 'deactivate' &&
      inactiveState !== undefined &&
      data['statecode'] === inactiveState
    )
      return undefined
    const key =
      keyColumns
        .map((c) => data[c])
        .filter((v) => v !== undefined && v !== null)
        .map(String)
        .join('|') || row.id
    const base = {
      seq: nextSeq(),
      row: null,
      location: null,
      recordId: row.id,
      key,
      keyValues: null,
      etag: row.etag,
      error: null
    }
    if (missing === 'delete') return { ...base, action: 'delete', changes: {}, payload: null }
    if (inactiveState === undefined || inactiveStatus === undefined) {
      return {
        ...base,
        action: 'error',
        changes: {},
        payload: null,
        error: `Table '${table.logicalName}' has no inactive state to deactivate record ${key} with.`
      }
    }
    return {
      ...base,
      action: 'deactivate',
      changes: {
        statecode: { from: data['statecode'] ?? null, to: inactiveState },
        statuscode: { from: data['statuscode'] ?? null, to: inactiveStatus }
      },
      payload: { values: { statecode: inactiveState, statuscode: inactiveStatus }, binds: {} }
    }
  }
}
