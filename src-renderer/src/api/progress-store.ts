import { useSyncExternalStore } from 'react'
import type { RunProgress } from '../../../src-shared/schemas/pulls'

/**
 * The latest progress of each table's pull, fed by `run:progress` events. Kept outside the query
 * cache on purpose: a list of running pulls fetched when a screen opens may answer after newer
 * events arrived, and must never overwrite them (events win; the list only fills gaps).
 */
const latest = new Map<string, RunProgress>()
const listeners = new Set<() => void>()
const keyOf = (environmentId: number, table: string): string => `${environmentId}:${table}`

function notify(): void {
  for (const listener of listeners) listener()
}

/** A progress event: always the newest word on its run. */
export function recordProgress(progress: RunProgress): void {
  if (progress.environmentId === null || progress.table === null) return
  latest.set(keyOf(progress.environmentId, progress.table), progress)
  notify()
}

/** Pulls found running when the window opened: kept only where no event said more already. */
export function seedProgress(running: readonly RunProgress[]): void {
  let changed = false
  for (const progress of running) {
    if (progress.environmentId === null || progress.table === null) continue
    const key = keyOf(progress.environmentId, progress.table)
    if (latest.has(key)) continue
    latest.set(key, progress)
    changed = true
  }
  if (changed) notify()
}

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function usePullProgress(environmentId: number, table: string): RunProgress | undefined {
  return useSyncExternalStore(subscribe, () => latest.get(keyOf(environmentId, table)))
}
