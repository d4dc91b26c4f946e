import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import type { Input } from '../../../../src-shared/contract'
import { call } from '../client'
import { keys } from '../query-keys'

export const profilesQuery = queryOptions({
  queryKey: keys.profiles(),
  queryFn: () => call('profiles:list', {})
})

export function useSaveProfile() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: Input<'profiles:save'>) => call('profiles:save', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.profiles() })
  })
}

export function useRemoveProfile() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (name: string) => call('profiles:remove', { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.profiles() })
  })
}

export function useExportProfile() {
  return useMutation({ mutationFn: (name: string) => call('profiles:export', { name }) })
}

export function useImportProfile() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call('profiles:import', {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.profiles() })
  })
}

export function usePickSource() {
  return useMutation({ mutationFn: () => call('sources:pick', {}) })
}

/** A source's columns and first rows; read again when a setting (sheet, delimiter) changes. */
export const sourceQuery = (source: Input<'sources:inspect'>) =>
  queryOptions({
    queryKey: keys.source(source),
    queryFn: () => call('sources:inspect', { ...source, rows: 10 }),
    staleTime: 30_000
  })

export function useSuggestMapping() {
  return useMutation({
    mutationFn: (input: Input<'mapping:suggest'>) => call('mapping:suggest', input)
  })
}

/** Every problem of the mapping being edited, each with its field. */
export const mappingProblemsQuery = (input: Input<'mapping:validate'>) =>
  queryOptions({
    queryKey: ['mapping', input] as const,
    queryFn: () => call('mapping:validate', input),
    staleTime: 10_000
  })
