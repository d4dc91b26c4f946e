import {
  infiniteQueryOptions,
  queryOptions,
  useMutation,
  useQueryClient
} from '@tanstack/react-query'
import type { Input } from '../../../../src-shared/contract'
import { call } from '../client'
import { keys } from '../query-keys'

export type RunFilter = Omit<Input<'runs:list'>, 'beforeId' | 'limit'>

/** The history, newest first (the latest 300 matching runs). */
export const runsQuery = (filter: RunFilter = {}) =>
  queryOptions({
    queryKey: keys.runList(filter),
    queryFn: () => call('runs:list', { ...filter, limit: 300 })
  })

/** Figures of the latest 60 matching runs, oldest first, for the charts. */
export const trendQuery = (filter: RunFilter = {}) =>
  queryOptions({
    queryKey: keys.trend(filter),
    queryFn: () => call('runs:trend', { ...filter, limit: 60 })
  })

export const runQuery = (runId: number) =>
  queryOptions({ queryKey: keys.run(runId), queryFn: () => call('runs:get', { runId }) })

export const RUN_PAGE_SIZE = 200

export const fetchRunItems =
  (runId: number, filter: { outcomes?: string[]; search?: string }) =>
  (offset: number, limit: number) =>
    call('runs:items', {
      runId,
      ...(filter.outcomes?.length ? { outcomes: filter.outcomes } : {}),
      ...(filter.search ? { search: filter.search } : {}),
      offset,
      limit
    })

/** Records that differ between two runs, read 100 at a time as the list scrolls. */
export const COMPARE_PAGE_SIZE = 100

export const compareQuery = (a: number, b: number) =>
  infiniteQueryOptions({
    queryKey: keys.compare(a, b),
    queryFn: ({ pageParam }) =>
      call('runs:compare', { a, b, offset: pageParam, limit: COMPARE_PAGE_SIZE }),
    initialPageParam: 0,
    getNextPageParam: (last, pages) =>
      last.records.truncated
        ? pages.reduce((n, page) => n + page.records.items.length, 0)
        : undefined
  })

export function useExportReport(runId: number) {
  return useMutation({
    mutationKey: ['runs', 'report', runId],
    mutationFn: (format: Input<'runs:report'>['format']) => call('runs:report', { runId, format })
  })
}

export function usePlanUndo() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: Input<'undo:plan'>) => call('undo:plan', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['plans'] })
  })
}

export function usePrune() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: Input<'runs:prune'>) => call('runs:prune', input),
    onSuccess: (result) => {
      if (!result.dryRun) void queryClient.invalidateQueries({ queryKey: keys.runs() })
    }
  })
}
