import { queryOptions } from '@tanstack/react-query'
import { call } from '../client'
import { keys } from '../query-keys'

export const appInfoQuery = queryOptions({
  queryKey: keys.appInfo(),
  queryFn: () => call('app:info', {}),
  staleTime: Infinity
})
