import { fmt, printTable, type Measurement } from './harness'
import { initialPull, nightly } from './pull-scenarios'
import { plan100k, pushNew } from './push-scenarios'
import { sourceScenarios } from './sources-scenarios'

// `npm run bench` — speed and memory targets, measured side by side in one run and printed as
// ratios (never asserted in timed tests). `npm run bench -- --quick` skips the 1,000,000-row run;
// `--only=pull` or `--only=push` runs one half while working on it.

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7)
  const rows: Measurement[] = []
  if (only === 'pull') {
    rows.push(...(await initialPull(100_000)).rows, ...(await nightly()))
    printTable(rows)
    return
  }
  if (only === 'push') {
    rows.push(...(await pushNew()), ...(await plan100k()))
    printTable(rows)
    return
  }
  const small = await initialPull(100_000)
  rows.push(...small.rows)
  if (!quick) {
    const large = await initialPull(1_000_000)
    rows.push(...large.rows)
    const perRowSmall = small.pull.ms / small.pull.rows
    const perRowLarge = large.pull.ms / large.pull.rows
    rows.push({
      scenario: 'initial pull 100k → 1M',
      measure: 'time per row, 1M vs 100k (linear = 1)',
      value: fmt(perRowLarge / perRowSmall),
      target: '≤ 1.5',
      ok: perRowLarge / perRowSmall <= 1.5
    })
    rows.push({
      scenario: 'initial pull 100k → 1M',
      measure: 'peak RSS, 1M vs 100k (flat = 1)',
      value: fmt(large.pull.maxRssMB / small.pull.maxRssMB),
      target: '≤ 1.5',
      ok: large.pull.maxRssMB / small.pull.maxRssMB <= 1.5
    })
  }
  rows.push(...(await nightly()))
  rows.push(...(await pushNew()))
  rows.push(...(await plan100k()))
  rows.push(...(await sourceScenarios()))
  printTable(rows)
}

void main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
