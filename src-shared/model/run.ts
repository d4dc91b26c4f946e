/**
 * A run is one pull, plan, apply or undo: who, where, when, how it went, and per record what
 * happened. The journal the history, the reports and undo are built from.
 */
export type RunKind = 'pull' | 'plan' | 'apply' | 'undo'
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted'
export type PullMode = 'initial' | 'delta' | 'resync'

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
