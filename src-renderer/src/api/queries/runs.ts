import { queryOptions } from '@tanstack/react-query'
import { call } from '../client'
import { keys } from '../query-keys'

/** The latest runs of every kind (the Runs screen of a later release builds on this). */
export const runsQuery = (limit = 50) =>
  queryOptions({ queryKey: [...keys.runs(), limit], queryFn: () => call('runs:list', { limit }) })
