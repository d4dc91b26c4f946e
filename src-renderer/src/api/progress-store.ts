import { useSyncExternalStore } from 'react'
import type { RunProgress } from '../../../src-shared/schemas/pulls'

/**
 * The latest progress of each run, fed by `run:progress` events: per run, and per kind and
 * table (the pull of a table, the plan being made for it). Kept outside the query cache on
 * purpose: a list of running pulls or applies fetched when a screen opens may answer after newer
 * events arrived, and must never overwrite them (events win; the list only fills gaps).
 */
const byTable = new Map<string, RunProgress>()
const byRun = new Map<number, RunProgress>()
const listeners = new Set<() => void>()
let applies: RunProgress[] = []
const tableKey = (kind: string, environmentId: number, table: string): string =>
  `${kind}:${environmentId}:${table}`

function notify(): void {
  applies = [...byRun.values()].filter((p) => p.kind === 'apply').sort((a, b) => b.runId - a.runId)
  for (const listener of listeners) listener()
}

function keep(progress: RunProgress): void {
  byRun.set(progress.runId, progress)
  if (progress.environmentId !== null && progress.table !== null)
    byTable.set(tableKey(progress.kind, progress.environmentId, progress.table), progress)
}

/** A progress event: always the newest word on its run. */
export function recordProgress(progress: RunProgress): void {
  keep(progress)
  notify()
}

/** Runs found running when the window opened: kept only where no event said more already. */
export function seedProgress(running: readonly RunProgress[]): void {
  let changed = false
  for (const progress of running) {
    if (byRun.has(progress.runId)) continue
    keep(progress)
    changed = true
  }
  if (changed) notify()
}

const subscribe = (listener: () => void): (() => void) => {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function usePullProgress(environmentId: number, table: string): RunProgress | undefined {
  return useSyncExternalStore(subscribe, () => byTable.get(tableKey('pull', environmentId, table)))
}

/** The plan being made (or last made) for a table in this window. */
export function usePlanProgress(
  environmentId: number | undefined,
  table: string | undefined
): RunProgress | undefined {
  return useSyncExternalStore(subscribe, () =>
    environmentId === undefined || !table
      ? undefined
      : byTable.get(tableKey('plan', environmentId, table))
  )
}

export function useRunProgress(runId: number | undefined): RunProgress | undefined {
  return useSyncExternalStore(subscribe, () => (runId === undefined ? undefined : byRun.get(runId)))
}

/** Applies this window has heard of, newest first (running ones and how the others ended). */
export function useApplyProgress(): readonly RunProgress[] {
  return useSyncExternalStore(subscribe, () => applies)
}
