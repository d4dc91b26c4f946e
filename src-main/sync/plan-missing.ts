import type { TableDetails } from '../../src-shared/model/metadata'
import type { MissingRows } from '../../src-shared/model/push'
import type { MirrorRows } from '../store/repositories/mirror-rows'
import type { NewPlanItem } from '../store/repositories/plans'

/**
 * Mirror records that no source row matched: deactivated (statecode/statuscode) or deleted, as
 * the admin chose. Reads the temporary table of matched ids the row planner filled.
 */
export function* planMissing(
  rows: MirrorRows,
  missing: Exclude<MissingRows, 'ignore'>,
  table: TableDetails,
  nextSeq: () => number
): Generator<NewPlanItem> {
  const state = table.columns.find((c) => c.type === 'State')
  const status = table.columns.find((c) => c.type === 'Status')
  const inactiveState = state?.options?.find((o) => o.value === 1)?.value
  const inactiveStatus = status?.options?.find((o) => o.state === inactiveState)?.value
  const keyColumns = table.keys.find((k) => k.status === 'Active')?.columns ?? []
  for (const row of rows.notIn('temp.plan_seen')) {
    const data = JSON.parse(row.data) as Record<string, unknown>
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
    if (missing === 'delete') {
      yield { ...base, action: 'delete', changes: {}, payload: null }
      continue
    }
    if (!state || !status || inactiveState === undefined || inactiveStatus === undefined) {
      yield {
        ...base,
        action: 'error',
        changes: {},
        payload: null,
        error: `Table '${table.logicalName}' has no inactive state to deactivate record ${key} with.`
      }
      continue
    }
    // Already inactive: nothing to do for this record.
    if (data['statecode'] === inactiveState) continue
    yield {
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
