/**
 * A run is one pull, plan, apply or undo: who, where, when, how it went, and per record what
 * happened. The journal the history, the reports and undo are built from.
 */
export type RunKind = 'pull' | 'plan' | 'apply' | 'undo'
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted'
/**
 * initial: everything, with change tracking; delta: only what changed; resync: everything again
 * with tracking, compared with the mirror; compare: a table without change tracking, every row
 * read plainly and compared with the mirror, deletes found by absence (slower, no delta link).
 */
export type PullMode = 'initial' | 'delta' | 'resync' | 'compare'

/** How a pull's mode is named to the admin (CLI, app): a full compare says it is one. */
export function pullModeLabel(mode: string | null | undefined): string {
  if (mode === 'compare') return 'full compare, no change tracking'
  return mode ?? ''
}

export interface RunRecord {
  id: number
  kind: RunKind
  mode: string | null
  status: RunStatus
  environmentId: number | null
  environmentName: string | null
  tableName: string | null
  profileName: string | null
  account: string | null
  startedAt: string
  finishedAt: string | null
  counts: Record<string, number>
  figures: Record<string, number>
  message: string | null
  details: Record<string, unknown>
  /** The plan, apply or undo this run was part of (its delta pull); null for a run of its own. */
  parentRunId: number | null
}

/** What a pull saw happen to a record. */
export type PullAction = 'created' | 'updated' | 'deleted'

export interface RunItem {
  seq: number
  recordId: string | null
  recordKey: string | null
  action: string
  outcome: string | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  errorCode: string | null
  errorMessage: string | null
}
