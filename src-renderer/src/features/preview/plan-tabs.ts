import type { PlanAction, PlanView } from '../../../../src-shared/schemas/plans'

export type PlanTab = 'creates' | 'updates' | 'removals' | 'unchanged' | 'errors'

/** The Preview's tabs and the plan actions each one lists. */
export const PLAN_TABS: { tab: PlanTab; label: string; actions: PlanAction[] }[] = [
  { tab: 'creates', label: 'Creates', actions: ['create'] },
  { tab: 'updates', label: 'Updates', actions: ['update'] },
  { tab: 'removals', label: 'Deactivates & deletes', actions: ['deactivate', 'delete'] },
  { tab: 'unchanged', label: 'Unchanged', actions: ['unchanged', 'skip'] },
  { tab: 'errors', label: 'Errors', actions: ['error'] }
]

export const WRITE_ACTIONS: readonly PlanAction[] = ['create', 'update', 'deactivate', 'delete']

export const ACTION_LABELS: Record<PlanAction, string> = {
  create: 'Create',
  update: 'Update',
  deactivate: 'Deactivate',
  delete: 'Delete',
  unchanged: 'Unchanged',
  skip: 'Skipped',
  error: 'Error'
}

export const ACTION_COLORS = {
  create: 'success',
  update: 'brand',
  deactivate: 'warning',
  delete: 'danger',
  unchanged: 'subtle',
  skip: 'subtle',
  error: 'danger'
} as const

export function tabCount(plan: PlanView, actions: readonly PlanAction[]) {
  return {
    total: actions.reduce((n, a) => n + (plan.counts[a] ?? 0), 0),
    excluded: actions.reduce((n, a) => n + (plan.excluded[a] ?? 0), 0)
  }
}

/** What an apply would send now: the write actions, less the excluded items. */
export function writesOf(
  plan: PlanView
): Record<'create' | 'update' | 'deactivate' | 'delete', number> {
  const n = (a: PlanAction): number => (plan.counts[a] ?? 0) - (plan.excluded[a] ?? 0)
  return {
    create: n('create'),
    update: n('update'),
    deactivate: n('deactivate'),
    delete: n('delete')
  }
}
