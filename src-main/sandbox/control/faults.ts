import { SeededRandom } from '../seed/random'

/** What can go wrong with one request, on purpose. */
export type FaultKind = 'fail-500' | 'fail-503' | 'throttle' | 'drop-before' | 'drop-mid-response'

/** A scripted fault: the next `count` API requests whose "METHOD path" contains `match`. */
export interface ScriptedFault {
  kind: FaultKind
  count: number
  match?: string
  retryAfterSeconds?: number
}

export interface FaultSettings {
  /** Added before each API response, like a distant data centre. */
  latencyMs: number
  /** Share of API requests answered 500 or 503 without being applied (0–1). */
  failRate: number
  /** Share of API requests whose connection drops; half before and half after the work is done. */
  dropRate: number
  seed: number
  script: ScriptedFault[]
}

export const defaultFaults = (): FaultSettings => ({
  latencyMs: 0,
  failRate: 0,
  dropRate: 0,
  seed: 1,
  script: []
})

const KINDS: readonly FaultKind[] = [
  'fail-500',
  'fail-503',
  'throttle',
  'drop-before',
  'drop-mid-response'
]

function validate(settings: FaultSettings): void {
  for (const key of ['failRate', 'dropRate'] as const) {
    const v = settings[key]
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      throw new RangeError(`${key} must be between 0 and 1`)
  }
  if (typeof settings.latencyMs !== 'number' || !(settings.latencyMs >= 0))
    throw new RangeError('latencyMs must be 0 or more')
  if (!Number.isInteger(settings.seed)) throw new RangeError('seed must be an integer')
  if (!Array.isArray(settings.script)) throw new RangeError('script must be a list of faults')
  for (const fault of settings.script) {
    if (!KINDS.includes(fault?.kind))
      throw new RangeError(`a scripted fault's kind must be one of ${KINDS.join(', ')}`)
    if (!Number.isInteger(fault.count) || fault.count < 1)
      throw new RangeError("a scripted fault's count must be a positive integer")
    if (fault.match !== undefined && typeof fault.match !== 'string')
      throw new RangeError("a scripted fault's match must be text")
  }
}

/**
 * Decides, per request, which fault (if any) to inject. Random faults come from a seeded
 * sequence so a run can be replayed; scripted ones make a test's storm exact.
 */
export class FaultInjector {
  private settings: FaultSettings = defaultFaults()
  private rnd = new SeededRandom(1)

  /** Applies the patch only if the result is valid: a refused change leaves the old settings. */
  configure(patch: Partial<FaultSettings>): FaultSettings {
    const next: FaultSettings = {
      ...this.settings,
      ...patch,
      script: patch.script ? patch.script.map((f) => ({ ...f })) : this.settings.script
    }
    validate(next)
    this.settings = next
    if (patch.seed !== undefined) this.rnd = new SeededRandom(patch.seed)
    return this.current()
  }

  current(): FaultSettings {
    return { ...this.settings, script: this.settings.script.map((f) => ({ ...f })) }
  }

  get latencyMs(): number {
    return this.settings.latencyMs
  }

  /** The fault for this request, consuming a scripted one first. */
  pick(method: string, path: string): ScriptedFault | undefined {
    const line = `${method} ${path}`
    const scripted = this.settings.script.find(
      (f) => f.count > 0 && (!f.match || line.includes(f.match))
    )
    if (scripted) {
      scripted.count -= 1
      this.settings.script = this.settings.script.filter((f) => f.count > 0)
      return { ...scripted, count: 1 }
    }
    const { failRate, dropRate } = this.settings
    if (failRate > 0 && this.rnd.chance(failRate)) {
      return { kind: this.rnd.chance(0.5) ? 'fail-500' : 'fail-503', count: 1 }
    }
    if (dropRate > 0 && this.rnd.chance(dropRate)) {
      return { kind: this.rnd.chance(0.5) ? 'drop-before' : 'drop-mid-response', count: 1 }
    }
    return undefined
  }
}
