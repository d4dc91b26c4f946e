import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, inject } from 'vitest'
import type { PropertyFigures } from './fuzz-figures'

/**
 * What every fuzz file uses: the run's seed (printed by test/support/fuzz-figures.ts, replayed
 * with FUZZ_SEED), a bounded number of runs per property (FUZZ_SCALE multiplies them, e.g. 10 for
 * a long campaign), and figures recorded per property — every input's outcome is counted under a
 * label, so the summary says how many inputs were accepted and how many were refused, and how.
 */

/** The run's seed; each property derives its own from it and its name, so files are independent. */
export const SEED: number = (() => {
  try {
    return inject('fuzzSeed')
  } catch {
    return Number(process.env['FUZZ_SEED'] ?? 1)
  }
})()

const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1)

/** Runs for a property at scale 1 (the bounded campaign of `npx vitest run --project fuzz`). */
export const runs = (n: number): number => Math.max(1, Math.round(n * SCALE))

const recorded: PropertyFigures[] = []
let file: string | undefined

afterAll(() => {
  if (!file || recorded.length === 0) return
  let dir: string | undefined
  try {
    dir = inject('fuzzFiguresDir')
  } catch {
    return
  }
  writeFileSync(join(dir, `${file}.json`), JSON.stringify(recorded))
})

/** Counts outcomes for one property; pass `count` to the predicate. */
export interface Tally {
  count(outcome: string): void
}

function seedFor(property: string): number {
  let h = SEED | 0
  for (const ch of property) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0
  return h
}

export interface FuzzOptions {
  numRuns: number
  /** Per input (async properties only): longer is a hang, and fails the property. */
  timeoutMs?: number
}

/**
 * fc.assert with the run's seed, a bounded number of runs and figures. The predicate returns the
 * outcome's label (or throws, which fails the property and prints the seed and the path to
 * replay the smallest failing input).
 */
export async function fuzz<T>(
  parser: string,
  property: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => string | Promise<string>,
  options: FuzzOptions
): Promise<void> {
  file ??= `${parser.replace(/[^A-Za-z0-9]+/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const outcomes: Record<string, number> = {}
  let count = 0
  const started = performance.now()
  let failed = true
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        const outcome = await predicate(value)
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
        count += 1
      }),
      {
        seed: seedFor(`${parser}/${property}`),
        numRuns: options.numRuns,
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {})
      }
    )
    failed = false
  } finally {
    recorded.push({
      parser,
      property,
      runs: count,
      outcomes,
      ms: Math.round(performance.now() - started),
      failed
    })
  }
}

/** The name of what was thrown, for outcome labels: 'SourceError', 'ProtocolError'… */
export const nameOf = (err: unknown): string =>
  err instanceof Error ? err.name || err.constructor.name : typeof err

/**
 * A scenario that is not a property (one hostile server, one answer) recorded as a single input
 * with its outcome, so the printed figures list the scenarios too.
 */
export function scenario(parser: string, property: string, outcome: string, ms = 0): void {
  file ??= `${parser.replace(/[^A-Za-z0-9]+/g, '-')}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  recorded.push({ parser, property, runs: 1, outcomes: { [outcome]: 1 }, ms, failed: false })
}
