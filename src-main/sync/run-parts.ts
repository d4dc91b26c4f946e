import type { Store } from '../store/open'
import type { PullResult } from './pull'

/** A delta pull as the run it was made for lists it: which table, how, and what it brought. */
export interface PullPart {
  runId: number
  table: string
  mode: string
  created: number
  updated: number
  deleted: number
}

export const pullSummary = (pull: PullResult): PullPart => ({
  runId: pull.runId,
  table: pull.table,
  mode: pull.mode,
  created: pull.created,
  updated: pull.updated,
  deleted: pull.deleted
})

/**
 * Files the delta pulls a plan, apply or undo made under that run (issue 12, item 8): they are
 * part of it, shown with it, and not listed among the pulls an admin started. The pulls run
 * before their owner's run exists (the mirror must be current to plan against), so they are
 * adopted once it does.
 */
export function adoptPulls(store: Store, pulls: readonly PullResult[], runId: number): PullPart[] {
  for (const pull of pulls) store.runs.setParent(pull.runId, runId)
  return pulls.map(pullSummary)
}
