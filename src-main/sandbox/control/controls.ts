import type { IdentityProvider } from '../identity/provider'
import type { SandboxState } from '../state'
import type { FaultInjector, FaultSettings } from './faults'
import type { LimitSettings, ServiceProtection } from './limits'
import type { RequestStats, StatsRecorder } from './stats'

/** The knobs of a running sandbox, the same in-process and over /_sandbox/. */
export interface SandboxControls {
  faults: FaultInjector
  limits: ServiceProtection
  stats: StatsRecorder
  identity: IdentityProvider
  advanceClock(ms: number): void
  status(): SandboxStatus
}

export interface SandboxStatus {
  clockOffsetMs: number
  now: string
  version: number
  tables: { logicalName: string; rows: number; changeTracking: boolean }[]
  faults: FaultSettings
  limits: LimitSettings
  stats: RequestStats
}

export function createControls(
  state: SandboxState,
  parts: {
    faults: FaultInjector
    limits: ServiceProtection
    stats: StatsRecorder
    identity: IdentityProvider
  }
): SandboxControls {
  return {
    ...parts,
    advanceClock(ms) {
      state.clock.advance(ms)
      state.meta.set('clockOffsetMs', state.clock.offset)
    },
    status() {
      return {
        clockOffsetMs: state.clock.offset,
        now: new Date(state.clock.now()).toISOString(),
        version: state.changeLog.current(),
        tables: state.catalog.tables().map((t) => ({
          logicalName: t.logicalName,
          rows: state.catalog.store(t.logicalName).count(),
          changeTracking: t.def.changeTracking
        })),
        faults: parts.faults.current(),
        limits: parts.limits.current(),
        stats: parts.stats.snapshot()
      }
    }
  }
}
