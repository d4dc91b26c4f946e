import { randomInt } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { ROOT, figuresTable, sumFigures } from '../support/fault-campaign'

/**
 * The fault campaign's start and end: one seed for every file (FAULT_SEED replays a run), and
 * at the end the figures of all files summed, printed as a table and written to
 * test-results/fault-campaign.json for the README's reliability section.
 */
export default function setup(project: TestProject): () => void {
  const fromEnv = process.env['FAULT_SEED']
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : randomInt(1, 2 ** 31)
  if (!Number.isInteger(seed)) throw new Error(`FAULT_SEED must be an integer (got '${fromEnv}').`)
  const results = join(ROOT, 'test-results')
  const partsDir = join(results, 'fault-campaign-parts')
  rmSync(partsDir, { recursive: true, force: true })
  mkdirSync(partsDir, { recursive: true })
  project.provide('faultSeed', seed)
  project.provide('faultPartsDir', partsDir)
  process.stdout.write(`\nFault campaign seed: ${seed} (replay with FAULT_SEED=${seed})\n`)
  const started = performance.now()
  return () => {
    const figures = sumFigures(partsDir)
    const seconds = (performance.now() - started) / 1000
    const sum = (m: Record<string, number>): number => Object.values(m).reduce((a, b) => a + b, 0)
    writeFileSync(
      join(results, 'fault-campaign.json'),
      `${JSON.stringify(
        {
          seed,
          finishedAt: new Date().toISOString(),
          durationSeconds: Math.round(seconds * 10) / 10,
          totals: {
            scenarios: sum(figures.scenarios),
            processesKilled: sum(figures.kills),
            faultsInjected: sum(figures.faults),
            childProcesses: figures.children,
            checksPassed: sum(figures.checks)
          },
          ...figures
        },
        null,
        2
      )}\n`
    )
    rmSync(partsDir, { recursive: true, force: true })
    process.stdout.write(`\n${figuresTable(figures, seed, seconds)}\n`)
  }
}
