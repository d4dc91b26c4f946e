import {
  queryOptions,
  useMutation,
  useMutationState,
  useQueryClient,
  type MutationState
} from '@tanstack/react-query'
import type { Input, Output } from '../../../../src-shared/contract'
import type { EnvironmentView } from '../../../../src-shared/schemas/environments'
import { call } from '../client'
import { keys } from '../query-keys'

export const environmentsQuery = queryOptions({
  queryKey: keys.environments(),
  queryFn: () => call('environments:list', {})
})

function useUpdateEnvironment(): (environment: EnvironmentView) => void {
  const queryClient = useQueryClient()
  return (environment) =>
    queryClient.setQueryData<EnvironmentView[]>(keys.environments(), (list) =>
      list?.map((e) => (e.id === environment.id ? environment : e))
    )
}

export function useAddEnvironment() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: Input<'environments:add'>) => call('environments:add', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.environments() })
  })
}

export function useAddSandbox() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationKey: ['environments', 'addSandbox'],
    mutationFn: (name?: string) => call('environments:addSandbox', name ? { name } : {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.environments() })
  })
}

export function useRemoveEnvironment() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: number) => call('environments:remove', { id }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.environments() })
  })
}

const signInKey = (id: number) => ['environments', 'signIn', id] as const

/**
 * Sign-in is a mutation keyed by environment, so the card shows "waiting for the browser" and
 * its outcome wherever the sign-in was started (the card, or right after adding).
 */
export function useSignIn(id: number) {
  const update = useUpdateEnvironment()
  return useMutation({
    mutationKey: signInKey(id),
    mutationFn: () => call('environments:signIn', { id }),
    onSuccess: update
  })
}

/** The latest sign-in of an environment, wherever it was started. */
export function useLatestSignIn(
  id: number
): MutationState<Output<'environments:signIn'>, Error> | undefined {
  const states = useMutationState({
    filters: { mutationKey: signInKey(id) },
    select: (m) => m.state as MutationState<Output<'environments:signIn'>, Error>
  })
  return states.at(-1)
}

export function useCancelSignIn(id: number) {
  return useMutation({ mutationFn: () => call('environments:cancelSignIn', { id }) })
}

export function useSignOut(id: number) {
  const update = useUpdateEnvironment()
  return useMutation({
    mutationFn: () => call('environments:signOut', { id }),
    onSuccess: update
  })
}

export function useTestConnection(id: number) {
  return useMutation({ mutationFn: () => call('environments:test', { id }) })
}
