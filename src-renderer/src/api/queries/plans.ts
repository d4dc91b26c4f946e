import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { Input } from '../../../../src-shared/contract'
import type { PlanAction } from '../../../../src-shared/schemas/plans'
import { call } from '../client'
import { keys } from '../query-keys'

export const plansQuery = (environmentId?: number) =>
  queryOptions({
    queryKey: keys.plans(environmentId),
    queryFn: () => call('plans:list', { ...(environmentId ? { environmentId } : {}), limit: 30 })
  })

export const planQuery = (planId: number) =>
  queryOptions({ queryKey: keys.plan(planId), queryFn: () => call('plans:get', { planId }) })

export const PLAN_PAGE_SIZE = 200

export interface PlanItemsFilter {
  actions: PlanAction[]
  search: string
}

export const fetchPlanItems =
  (planId: number, filter: PlanItemsFilter) => (offset: number, limit: number) =>
    call('plans:items', {
      planId,
      actions: filter.actions,
      ...(filter.search ? { search: filter.search } : {}),
      offset,
      limit
    })

export function useCreatePlan() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationKey: ['plans', 'create'],
    mutationFn: (input: Input<'plans:create'>) => call('plans:create', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['plans'] })
  })
}

export function useCancelPlan() {
  return useMutation({
    mutationFn: (input: Input<'plans:cancel'>) => call('plans:cancel', input)
  })
}

export function useExclude(planId: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ seqs, excluded }: { seqs: number[]; excluded: boolean }) =>
      call('plans:exclude', { planId, seqs, excluded }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.plan(planId) })
  })
}

export function useExportPlan(planId: number) {
  return useMutation({
    mutationFn: (format: 'csv' | 'json') => call('plans:export', { planId, format })
  })
}

export function useStartApply() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: Input<'apply:start'>) => call('apply:start', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['plans'] })
  })
}

/** Applies already running when the window opened (progress-store.ts keeps them fresh). */
export const activeAppliesQuery = queryOptions({
  queryKey: keys.activeApplies(),
  queryFn: () => call('apply:active', {}),
  staleTime: Infinity
})

export function useApplyControl(runId: number) {
  return useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') =>
      call(`apply:${action}`, { runId }) as Promise<unknown>
  })
}
