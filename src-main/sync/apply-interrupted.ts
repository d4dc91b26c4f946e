import type { Store } from '../store/open'
import { isProcessAlive } from './process-alive'

/**
 * An apply or push killed mid-run (SIGKILL, a crash, a power cut) leaves its run 'running' and
 * its plan 'applying', which would read as live forever and keep the app from applying the plan
 * again. Runs whose process is gone are closed as 'interrupted' and their plans become
 * 'partial', which an apply resumes (the journal says what was sent). A run of another live
 * process (the app and a scheduled dvsync on one data folder) is left alone. Returns how many
 * plans were settled.
 */
export function settleInterruptedApplies(store: Store): number {
  store.runs.markInterrupted(isProcessAlive)
  return store.plans.settleInterrupted()
}
