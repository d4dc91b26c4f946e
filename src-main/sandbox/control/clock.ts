/**
 * The sandbox's notion of "now" for data: createdon/modifiedon, delta-token ages, tombstones and
 * key index jobs. Tests and admins move it forward to see a token expire after the retention
 * period (reference §1.7) without waiting days. Access tokens keep real time (see README).
 */
export class SandboxClock {
  private offsetMs = 0

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): number {
    return this.realNow() + this.offsetMs
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError('The sandbox clock only moves forward.')
    this.offsetMs += ms
  }

  get offset(): number {
    return this.offsetMs
  }

  restore(offsetMs: number): void {
    this.offsetMs = Math.max(0, offsetMs)
  }
}

/** Dataverse's wire format for date-times: ISO 8601 in UTC without milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}
