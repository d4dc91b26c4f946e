import {
  infiniteQueryOptions,
  queryOptions,
  useMutation,
  useQueryClient
} from '@tanstack/react-query'
import type { PullAction } from '../../../../src-shared/schemas/pulls'
import { call } from '../client'
import { keys } from '../query-keys'

export const pullsQuery = (environmentId: number, table?: string) =>
  queryOptions({
    queryKey: keys.pulls(environmentId, table),
    queryFn: () => call('pulls:list', { environmentId, ...(table ? { table } : {}), limit: 100 })
  })

/** Pulls already running when the window opened (progress-store.ts keeps them fresh). */
export const activePullsQuery = queryOptions({
  queryKey: keys.activePulls(),
  queryFn: () => call('pulls:active', {}),
  staleTime: Infinity
})

export function useStartPull(environmentId: number, table: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationKey: ['pulls', 'start', environmentId, table],
    mutationFn: (full: boolean) => call('pulls:start', { environmentId, table, full }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.pulls(environmentId) })
  })
}

export function useCancelPull(environmentId: number, table: string) {
  return useMutation({ mutationFn: () => call('pulls:cancel', { environmentId, table }) })
}

export interface ChangesFilter {
  actions: PullAction[]
  search: string
  nameColumn?: string | undefined
}

export const CHANGES_PAGE_SIZE = 500

/** A pull's changes, a page at a time as the grid scrolls. */
export const changesQuery = (runId: number, filter: ChangesFilter) =>
  infiniteQueryOptions({
    queryKey: [...keys.changes(runId), filter] as const,
    queryFn: ({ pageParam }) =>
      call('pulls:changes', {
        runId,
        actions: filter.actions,
        ...(filter.search ? { search: filter.search } : {}),
        ...(filter.nameColumn ? { nameColumn: filter.nameColumn } : {}),
        offset: pageParam,
        limit: CHANGES_PAGE_SIZE
      }),
    initialPageParam: 0,
    getNextPageParam: (last) => {
      const next = last.offset + last.items.length
      return next < last.total ? next : undefined
    }
  })

/** A saved pull profile run now (Profiles screen); the Pulls screen then shows its progress. */
export function useStartProfilePull() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: { environmentId: number; table: string; profile: string }) =>
      call('pulls:start', input),
    onSuccess: (_, { environmentId }) =>
      queryClient.invalidateQueries({ queryKey: keys.pulls(environmentId) })
  })
}

/** A pull's changes written to CSV or NDJSON where the admin says in the save dialog. */
export function useExportChanges(runId: number) {
  return useMutation({
    mutationKey: ['pulls', 'export', runId],
    mutationFn: (format: 'csv' | 'ndjson') => call('pulls:export', { runId, format })
  })
}
