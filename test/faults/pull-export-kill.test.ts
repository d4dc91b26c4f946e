import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { describe, expect, inject, it } from 'vitest'
import { safeCsvCell } from '../../src-main/reports/csv-cell'
import type { SeededRandom } from '../../src-main/sandbox/seed/random'
import { useCampaignLog, seeded, startDvsync } from '../support/fault-campaign'
import { PRODUCT, integrity, mutate, noChanges, sandboxIds } from '../support/fault-tables'
import { pullFixture, sandboxRows } from '../support/pull-fixture'
import { useSandbox } from '../support/sandbox-harness'

// Kill campaign, pull --export (issue 19 item 3): `dvsync pull --export FILE` as a scheduler
// runs it, SIGKILLed at seeded random points — during start-up, after N committed pages, right
// after the last page (while the file is written) — over an initial pull of 1,500 rows and
// rounds of updates, creates and deletes made in "Dataverse" in between, a few thousand changes
// in all. Each round ends with a run that completes. Then: the export files that exist (each
// complete, renamed into place), read back with a CSV parser in the order they were written,
// hold every record that was created, updated or deleted, and the last row of each record in
// the last file where it appears carries its final values (or says it was deleted).

const seed = inject('faultSeed')
const LATENCY_MS = 15
// The sandbox first: its close runs after the log's hook has killed leftover children.
const harness = useSandbox({
  products: 1500,
  accounts: 10,
  contacts: 10,
  faults: { latencyMs: LATENCY_MS }
})
const log = useCampaignLog(inject('faultPartsDir'), 'pull-export-kill')
const t = PRODUCT
const ROUNDS = 5

type Ending = { end: 'finished'; missed?: string } | { end: 'killed'; at: string }

/** One `dvsync pull --export file`, killed at a point drawn from `rnd` unless `complete`. */
async function pullExport(
  dataDir: string,
  file: string,
  rnd: SeededRandom,
  pages: number,
  complete: boolean
): Promise<Ending> {
  const args = ['pull', '--env', 'sandbox', '--table', t.logical, '--page-size', '25']
  const run = startDvsync([...args, '--export', file, '--data-dir', dataDir])
  log.child()
  let killedAt: string | undefined
  let missed: string | undefined
  if (!complete) {
    const choice = rnd.pick(['delay', 'page', 'page', 'last-page'] as const)
    const page = choice === 'last-page' ? pages : rnd.int(1, Math.max(1, pages - 1))
    missed = choice
    const kill = (at: string): void => {
      if (run.child.exitCode !== null || run.child.signalCode !== null) return
      killedAt = at
      run.child.kill('SIGKILL')
    }
    if (choice === 'delay') {
      // Start-up takes a second or two (tsx): kills land before, during and after the pull.
      const timer = setTimeout(() => kill('delay'), rnd.int(300, 4000))
      void run.exited.then(() => clearTimeout(timer))
    } else {
      run.waitFor(new RegExp(`\\): ${page} pages?, `), 60_000).then(
        () => kill(choice),
        () => undefined
      )
    }
  }
  const { code, signal } = await run.exited
  if (signal === 'SIGKILL' && killedAt) return { end: 'killed', at: killedAt }
  expect(code, `dvsync ${args.join(' ')} (FAULT_SEED=${seed})\n${run.stderr()}`).toBe(0)
  expect(existsSync(file)).toBe(true)
  return missed ? { end: 'finished', missed } : { end: 'finished' }
}

describe('kill campaign: pull --export', () => {
  it('pull --export SIGKILLed at random points: the export files together hold every change, the last with its final values', async () => {
    const rnd = seeded(seed, 'pull-export')
    const fx = pullFixture(harness)
    fx.release()
    const files: string[] = []
    const everChanged = new Set(await sandboxIds(harness, t))
    let changes = everChanged.size
    let kills = 0
    for (let round = 0; round <= ROUNDS; round++) {
      let pending = changes
      if (round > 0) {
        const expected = noChanges()
        pending = await mutate(harness, t, rnd, new Set(), expected, `X${round}`, {
          updates: rnd.int(200, 450),
          creates: rnd.int(20, 80),
          deletes: rnd.int(10, 40)
        })
        for (const set of [expected.created, expected.updated, expected.deleted])
          for (const id of set) everChanged.add(id)
        changes += pending
      }
      const kills_ = rnd.int(2, 4)
      for (let attempt = 0; attempt <= kills_; attempt++) {
        const file = join(fx.dataDir, `export-${round}-${attempt}.csv`)
        const ending = await pullExport(
          fx.dataDir,
          file,
          rnd,
          Math.ceil(pending / 25),
          attempt === kills_
        )
        if (ending.end === 'finished') {
          files.push(file)
          // A kill that came too late leaves a complete file too; the next run starts after it.
          if (ending.missed) log.scenario(`pull --export outran its kill (${ending.missed})`)
        } else {
          kills += 1
          log.kill(`pull --export:${ending.at}`)
          // Renamed into place only when complete: a file under its name is a whole export
          // (the kill came after the rename); a half-written one is only ever a .partial.
          if (existsSync(file)) files.push(file)
        }
      }
      log.scenario(round === 0 ? 'pull --export initial' : 'pull --export delta')
    }

    // Read back: the files in the order they were written, the rows in file order.
    const last = new Map<string, Record<string, string>>()
    let rowsRead = 0
    for (const file of files) {
      const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<
        string,
        string
      >[]
      rowsRead += rows.length
      for (const row of rows) last.set(row['id']!, row)
    }
    const now = await sandboxRows(harness, t.set, t.id, [t.id, t.name, t.money])
    await log.check('every change in an export file', () =>
      expect(
        [...everChanged].filter((id) => !last.has(id)),
        `changes in no export file (FAULT_SEED=${seed})`
      ).toEqual([])
    )
    await log.check('last export row has the final values', () => {
      const wrong: string[] = []
      for (const id of everChanged) {
        const row = last.get(id)
        const values = now.get(id)
        if (!row) continue
        if (!values) {
          if (row['change'] !== 'deleted')
            wrong.push(`${id}: deleted, last exported ${row['change']}`)
          continue
        }
        const got = [row['change'] === 'deleted' ? 'deleted' : 'kept', row[t.name], row[t.money]]
        const want = ['kept', safeCsvCell(values[t.name]), safeCsvCell(values[t.money])]
        if (JSON.stringify(got) !== JSON.stringify(want))
          wrong.push(`${id}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`)
      }
      expect(wrong, `FAULT_SEED=${seed}`).toEqual([])
    })
    // What killed runs left half-written was removed by the runs after them.
    await log.check('no half-written export left', () =>
      expect(readdirSync(fx.dataDir).filter((n) => n.includes('.partial-'))).toEqual([])
    )
    fx.reopen()
    try {
      await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
    } finally {
      fx.close()
    }
    process.stdout.write(
      `pull --export campaign (FAULT_SEED=${seed}): ${changes} changes, ${kills} kills, ${files.length} files, ${rowsRead} rows read back\n`
    )
    expect(kills, `FAULT_SEED=${seed}`).toBeGreaterThanOrEqual(6)
    // Some 20 dvsync processes, each starting through tsx: more than the project's default.
  }, 400_000)
})
