import { expect } from 'vitest'
import { DataverseClient } from '../../src-main/dataverse/client'
import type { TokenSource } from '../../src-main/dataverse/token-source'
import type { TransportEvent, TransportOptions } from '../../src-main/dataverse/transport'
import type { ServiceProtection } from '../../src-main/sandbox/control/limits'
import type { Harness } from './sandbox-harness'

/**
 * The Dataverse client on a sandbox, instrumented: an injected `sleep` records every wait
 * instead of spending it (so tests assert waits without waiting), token requests and transport
 * events are recorded.
 */
export interface Probe {
  client: DataverseClient
  /** Every wait the transport asked for, in ms. */
  waits: number[]
  /** forceRefresh of every token request. */
  asks: boolean[]
  events: TransportEvent[]
}

export function probeClient(harness: Harness, options: Partial<TransportOptions> = {}): Probe {
  const waits: number[] = []
  const asks: boolean[] = []
  const events: TransportEvent[] = []
  const tokens: TokenSource = {
    getToken: async (o) => {
      asks.push(o?.forceRefresh ?? false)
      return harness.token
    }
  }
  const client = new DataverseClient({
    environmentUrl: harness.sandbox.url,
    tokens,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms)
    },
    onEvent: (e) => events.push(e),
    ...options
  })
  return { client, waits, asks, events }
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err
  )
  expect(outcome, 'expected a failure').toBeInstanceOf(Error)
  return outcome as Error
}

/** Counts the requests the sandbox holds at once (admission to release, latency included). */
export function watchInFlight(limits: ServiceProtection): {
  max: () => number
  /** How many were in flight right after each admission. */
  admissions: number[]
  restore: () => void
} {
  const admit = limits.admit.bind(limits)
  const release = limits.release.bind(limits)
  let now = 0
  let max = 0
  const admissions: number[] = []
  limits.admit = (user) => {
    const refused = admit(user)
    if (!refused) {
      now += 1
      max = Math.max(max, now)
      admissions.push(now)
    }
    return refused
  }
  limits.release = (user) => {
    now -= 1
    release(user)
  }
  return {
    max: () => max,
    admissions,
    restore: () => {
      Reflect.deleteProperty(limits, 'admit')
      Reflect.deleteProperty(limits, 'release')
    }
  }
}
