import { errors } from '../http/errors'
import type { TableModel } from '../schema/model'
import type { Row } from '../storage/table-store'

/**
 * What the service adds to a write by itself: the state/status pairing (a state brings its
 * default status; a status implies its state; a mismatch is refused), computed columns such as
 * contact.fullname, and the createdon/modifiedon stamps.
 */
export function applyRecordRules(
  table: TableModel,
  existing: Row | undefined,
  changes: Record<string, unknown>,
  nowIso: string
): Record<string, unknown> {
  const out = { ...changes }
  applyStateStatus(table, existing, out)
  for (const column of table.columns) {
    if (!column.computed) continue
    const merged = (name: string): unknown => (name in out ? out[name] : existing?.[name])
    if (!existing || column.computed.concat.some((name) => name in out)) {
      const parts = column.computed.concat
        .map(merged)
        .filter((v) => v !== null && v !== undefined && v !== '')
      out[column.name] = parts.length ? parts.join(' ') : null
    }
  }
  if (!existing) out['createdon'] = nowIso
  out['modifiedon'] = nowIso
  return out
}

function applyStateStatus(
  table: TableModel,
  existing: Row | undefined,
  out: Record<string, unknown>
): void {
  const state = table.columns.find((c) => c.type === 'State')
  const status = table.columns.find((c) => c.type === 'Status')
  if (!state || !status) return
  const stateGiven = out[state.name] !== undefined && out[state.name] !== null
  const statusGiven = out[status.name] !== undefined && out[status.name] !== null
  if (stateGiven && statusGiven) {
    const option = status.options?.find((o) => o.value === out[status.name])
    if (option?.state !== out[state.name]) {
      throw errors.badRequest(
        `${out[status.name]} is not a valid status code for state code ${table.schemaName}State.${stateLabel(table, out[state.name])} on ${table.logicalName}.`,
        '0x80040278'
      )
    }
    return
  }
  if (stateGiven) {
    const option = state.options?.find((o) => o.value === out[state.name])
    out[status.name] = option?.defaultStatus ?? null
    return
  }
  if (statusGiven) {
    const option = status.options?.find((o) => o.value === out[status.name])
    out[state.name] = option?.state ?? 0
    return
  }
  if (!existing) {
    const initial = state.options?.find((o) => o.value === 0) ?? state.options?.[0]
    out[state.name] = initial?.value ?? 0
    out[status.name] = initial?.defaultStatus ?? null
  }
}

function stateLabel(table: TableModel, value: unknown): string {
  const state = table.columns.find((c) => c.type === 'State')
  return state?.options?.find((o) => o.value === value)?.label ?? String(value)
}
