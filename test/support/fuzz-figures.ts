import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'

/**
 * globalSetup of the `fuzz` project: picks the run's seed (FUZZ_SEED replays one), hands it and
 * a folder for figures to every test file, and at the end prints what was fuzzed — per parser,
 * per property: runs and outcomes — with the seed to replay it. The same figures are written
 * to test-results/fuzz-figures.json; SECURITY.md quotes a run of them.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    fuzzSeed: number
    fuzzFiguresDir: string
  }
}

/** One property's figures, written by test/support/fuzz-kit.ts. */
export interface PropertyFigures {
  parser: string
  property: string
  runs: number
  /** How the inputs ended: 'accepted', 'SourceError', 'ProtocolError', 'error row'… */
  outcomes: Record<string, number>
  ms: number
  failed: boolean
}

/**
 * Defects this campaign found in the product and that are fixed (SECURITY.md, "Defects"): the
 * property that found each one keeps guarding it.
 */
export const DEFECTS_FOUND = [
  'xlsx: a cell reference past XFD (r="ZZZZZZ2") built a row of 3e8 holes: 20 s, 1.8 GB, then a RangeError',
  'xlsx: a cell reference without letters (r="92") put the cell nowhere: its value was lost silently',
  'xlsx: a date-formatted cell whose value is no date (1e308, abc) threw a RangeError out of the source',
  'xlsx: a number cell holding no number (abc, 1e999) came out as NaN, i.e. null once serialised',
  '$batch reader: change sets nested 8,000 deep (600 KB) overflowed the stack after 2.4 s of quadratic copying',
  'change tracking: an id that only contained a GUID ("<guid>/../../WhoAmI", "<guid>) HTTP/1.1\\r\\n…") was accepted into the mirror, and from there into request paths and $batch bodies',
  'dvsync profile import: settings nested 20,000 deep overflowed the stack when stored (exit 70 with a stack trace)',
  'dvsync plan/push: a missing or unreadable source file (a SourceError) was exit 70 with a stack trace, not exit 2 with its message',
  'dvsync plan --profile: a profile whose source file is not a string reached fs.stat (ERR_INVALID_ARG_TYPE)',
  'dvsync profile import: a file saved with a UTF-8 byte-order mark (Notepad) was refused as invalid JSON',
  "transport: a redirect was followed, so another host (sent no token: fetch drops it) answered for the environment and its data was taken as Dataverse's",
  'transport: a response body was read whole without a limit: a 1 GB body took 120 s and +16 GB of memory, an endless one had no bound',
  'transport: a body or a Location echoing the request (a proxy, a hostile server) put the bearer token into error messages, the run journal and CLI output',
  'transport: a link such as "https://" threw a TypeError (an INTERNAL error) instead of a ProtocolError',
  'key literals: a value whose toString is no function ({ toString: 0 }) threw a TypeError instead of a KeyValueError'
]

export default function setup(project: TestProject): () => void {
  const fromEnv = process.env['FUZZ_SEED']
  const seed = fromEnv !== undefined ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31)
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer (got ${fromEnv})`)
  const dir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-figures-'))
  project.provide('fuzzSeed', seed)
  project.provide('fuzzFiguresDir', dir)
  const started = Date.now()
  console.log(`\nfuzz: seed ${seed} (replay with FUZZ_SEED=${seed} npx vitest run --project fuzz)`)
  return () => {
    const figures: PropertyFigures[] = []
    for (const file of readdirSync(dir).sort())
      figures.push(...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as PropertyFigures[]))
    rmSync(dir, { recursive: true, force: true })
    if (figures.length === 0) return
    const report = summarise(figures, seed, Date.now() - started)
    console.log(report.text)
    try {
      mkdirSync('test-results', { recursive: true })
      writeFileSync('test-results/fuzz-figures.json', `${JSON.stringify(report.json, null, 2)}\n`)
    } catch {
      // The printed figures are what counts; a read-only checkout only loses the file.
    }
  }
}

function summarise(
  figures: PropertyFigures[],
  seed: number,
  wallMs: number
): { text: string; json: unknown } {
  const byParser = new Map<string, PropertyFigures[]>()
  for (const f of figures) byParser.set(f.parser, [...(byParser.get(f.parser) ?? []), f])
  const lines = ['', `fuzz figures (seed ${seed}, ${(wallMs / 1000).toFixed(1)} s wall clock)`]
  const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length))
  lines.push(`${pad('parser', 34)} ${pad('properties', 10)} ${pad('inputs', 8)} outcomes`)
  let totalRuns = 0
  for (const [parser, list] of [...byParser].sort(([a], [b]) => a.localeCompare(b))) {
    const runs = list.reduce((n, f) => n + f.runs, 0)
    totalRuns += runs
    const outcomes: Record<string, number> = {}
    for (const f of list)
      for (const [k, v] of Object.entries(f.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v
    const shown = Object.entries(outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')
    lines.push(
      `${pad(parser, 34)} ${pad(String(list.length), 10)} ${pad(String(runs), 8)} ${shown}`
    )
  }
  const failed = figures.filter((f) => f.failed)
  lines.push(
    `total: ${figures.length} properties, ${totalRuns} inputs, ${failed.length} failing now`,
    ...failed.map((f) => `  FAILING: ${f.parser} — ${f.property}`),
    `defects found by this campaign and fixed (${DEFECTS_FOUND.length}):`,
    ...DEFECTS_FOUND.map((d) => `  - ${d}`),
    ''
  )
  return {
    text: lines.join('\n'),
    json: { seed, wallMs, properties: figures, defectsFound: DEFECTS_FOUND }
  }
}
