import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { Input } from '../../../../src-shared/contract'
import type { KeyView } from '../../../../src-shared/schemas/metadata'
import { call } from '../client'
import { keys } from '../query-keys'

export const tablesQuery = (environmentId: number) =>
  queryOptions({
    queryKey: keys.tables(environmentId),
    queryFn: () => call('tables:list', { environmentId }),
    staleTime: 60_000
  })

export const tableQuery = (environmentId: number, table: string) =>
  queryOptions({
    queryKey: keys.table(environmentId, table),
    queryFn: () => call('tables:get', { environmentId, table }),
    staleTime: 60_000
  })

export const isBuilding = (key: Pick<KeyView, 'status'>): boolean =>
  key.status === 'Pending' || key.status === 'InProgress'

/** Keys with their index status; polled every second while one is still being built. */
export const keysQuery = (environmentId: number, table: string) =>
  queryOptions({
    queryKey: keys.keys(environmentId, table),
    queryFn: () => call('keys:list', { environmentId, table }),
    refetchInterval: (query) => (query.state.data?.some(isBuilding) ? 1000 : false)
  })

export function useEnableTracking(environmentId: number, table: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call('tables:enableTracking', { environmentId, table }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.tables(environmentId) })
  })
}

export function useCreateKey(environmentId: number, table: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: Omit<Input<'keys:create'>, 'environmentId' | 'table'>) =>
      call('keys:create', { ...input, environmentId, table }),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.keys(environmentId, table) }),
        queryClient.invalidateQueries({ queryKey: keys.tables(environmentId) })
      ])
  })
}

/** The values several mirrored records share in a key's columns (why its index failed). */
export const keyDuplicatesQuery = (environmentId: number, table: string, key: string) =>
  queryOptions({
    queryKey: keys.keyDuplicates(environmentId, table, key),
    queryFn: () => call('keys:duplicates', { environmentId, table, key })
  })

/** After a key changed: its table's keys and the table list (which shows keys) refresh. */
function useKeysChanged(environmentId: number, table: string): () => Promise<unknown> {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.keys(environmentId, table) }),
      queryClient.invalidateQueries({ queryKey: keys.tables(environmentId) })
    ])
}

/** Builds a Failed key's index again (ReactivateEntityKey), by schema name. */
export function useReactivateKey(environmentId: number, table: string) {
  const onSuccess = useKeysChanged(environmentId, table)
  return useMutation({
    mutationFn: (key: string) => call('keys:reactivate', { environmentId, table, key }),
    onSuccess
  })
}

export function useDeleteKey(environmentId: number, table: string) {
  const onSuccess = useKeysChanged(environmentId, table)
  return useMutation({
    mutationFn: (key: string) => call('keys:delete', { environmentId, table, key }),
    onSuccess
  })
}
