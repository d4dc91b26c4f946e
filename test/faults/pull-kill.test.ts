import { describe, expect, inject, it } from 'vitest'
import type { SeededRandom } from '../../src-main/sandbox/seed/random'
import { useCampaignLog, runChild, seeded, type ChildOptions } from '../support/fault-campaign'
import {
  ACCOUNT,
  PRODUCT,
  parallel,
  integrity,
  journalDiff,
  mirrorDiff,
  mutate,
  noChanges,
  pullJournal,
  sandboxIds,
  type Expected,
  type LaneTable
} from '../support/fault-tables'
import { pullFixture } from '../support/pull-fixture'
import { useSandbox } from '../support/sandbox-harness'

// Kill campaign, pull (issue 8; ARCHITECTURE.md reliability rules): a pull in a child process is
// SIGKILLed at a seeded random point — after a delay, after N pages, inside a page's
// transaction, or when a page has arrived but is not applied — started again (and sometimes
// killed again), then run to completion. Initial pulls, delta pulls and full resyncs, with
// Dataverse changing between the runs. After each scenario: the mirror equals the sandbox, the
// journals name each change exactly once across the runs, the delta link is kept, the file is
// sound. Two lanes (product and account tables) run at once on one sandbox.

const seed = inject('faultSeed')
const LATENCY_MS = 6
// The sandbox first: its close runs after the log's hook has killed leftover children.
const harness = useSandbox({
  products: 240,
  accounts: 240,
  contacts: 10,
  faults: { latencyMs: LATENCY_MS }
})
const log = useCampaignLog(inject('faultPartsDir'), 'pull-kill')
const SCENARIOS_PER_LANE = 16

type Kind = 'initial' | 'delta' | 'resync'

/**
 * The demo's table without change tracking (issue 12, item 9): every pull of it is a full
 * compare, killed and run again like the others. dvs_code stands in for a key (it has none).
 */
const WAREHOUSE: LaneTable = {
  logical: 'dvs_warehouse',
  set: 'dvs_warehouses',
  id: 'dvs_warehouseid',
  key: 'dvs_code',
  name: 'dvs_name',
  money: 'dvs_capacity',
  map: 'Code=dvs_code,Name=dvs_name,Amount=dvs_capacity'
}
const untracked = (t: LaneTable): boolean => t === WAREHOUSE

/** Where to kill a child whose run reads about `pages` pages of `rows` rows. */
function killPoint(rnd: SeededRandom, pages: number, rows: number, fastPath: boolean) {
  const startup = fastPath ? 20 : 80
  const choice = rnd.pick(['delay', 'progress', 'row', 'page-in'] as const)
  const options: Partial<ChildOptions> =
    choice === 'delay'
      ? { killAfterMs: rnd.int(0, startup + pages * (LATENCY_MS + 6)) }
      : choice === 'progress'
        ? { killAtProgress: rnd.int(1, Math.max(1, pages - 1)) }
        : choice === 'row'
          ? { killAt: `row:${rnd.int(1, Math.max(1, rows - 1))}` }
          : { killAt: `page-in:${rnd.int(1, pages)}` }
  return { choice, options }
}

async function scenario(t: LaneTable, lane: number, n: number): Promise<void> {
  const rnd = seeded(seed, `pull:${t.logical}:${n}`)
  const kind = rnd.pick<Kind>(['initial', 'initial', 'delta', 'delta', 'resync'])
  const pageSize = rnd.int(10, 40)
  const where = `pull scenario ${t.logical}#${n} (${kind}, page ${pageSize}; FAULT_SEED=${seed})`
  const fx = pullFixture(harness)
  const expected: Expected = noChanges()
  const touched = new Set<string>()
  let baseline = 0
  let changes: number
  if (kind === 'initial') {
    for (const id of await sandboxIds(harness, t)) expected.created.add(id)
    changes = expected.created.size
  } else {
    baseline = (
      await fx.engine.run({ environment: fx.environment, table: t.logical, maxPageSize: 5000 })
    ).runId
    changes = await mutate(harness, t, rnd, touched, expected, `L${lane}S${n}a`, {
      updates: rnd.int(10, 50),
      creates: rnd.int(0, 15),
      deletes: rnd.int(0, 12)
    })
  }
  fx.release()
  const attempts = 1 + (rnd.chance(0.45) ? 1 : 0) + (rnd.chance(0.2) ? 1 : 0)
  for (let a = 0; a < attempts; a++) {
    // A full compare reads every row, whatever changed.
    const rows = kind === 'delta' && !untracked(t) ? changes : (await sandboxIds(harness, t)).length
    const pages = Math.max(1, Math.ceil(rows / pageSize))
    const { options } = killPoint(rnd, pages, rows, kind === 'delta' && !untracked(t))
    log.child()
    const result = await runChild({
      ...options,
      env: {
        JOB: 'pull',
        SANDBOX_URL: harness.sandbox.url,
        DATA_DIR: fx.dataDir,
        TABLE: t.logical,
        PAGE_SIZE: String(pageSize),
        FULL: kind === 'resync' ? '1' : '0'
      }
    })
    if (result.end === 'failed')
      throw new Error(`${where}: the child pull failed (${result.code}): ${result.stderr}`)
    if (result.end === 'finished') break
    log.kill(`pull:${result.killedAt}`)
    // Dataverse goes on changing while the product is down.
    if (kind !== 'initial' && rnd.chance(0.5))
      changes += await mutate(harness, t, rnd, touched, expected, `L${lane}S${n}b${a}`, {
        updates: rnd.int(0, 10),
        creates: rnd.int(0, 5),
        deletes: rnd.int(0, 4)
      })
  }
  fx.reopen()
  try {
    const final = await fx.engine.run({
      environment: fx.environment,
      table: t.logical,
      maxPageSize: pageSize,
      full: kind === 'resync'
    })
    await log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(harness, fx, t), where).toEqual([])
    )
    await log.check('each change journaled exactly once', () =>
      expect(journalDiff(pullJournal(fx.store, baseline), expected), where).toEqual([])
    )
    await log.check('no run left running', () => {
      const runs = fx.store.runs.list({ kind: 'pull', limit: 1000 })
      expect(
        runs.filter((r) => r.status === 'running'),
        where
      ).toEqual([])
      expect(runs.find((r) => r.id === final.runId)?.status, where).toBe('completed')
    })
    await log.check('database intact', () => expect(integrity(fx.store), where).toBe('ok'))
    await log.check(untracked(t) ? 'next compare finds nothing' : 'delta link kept', async () => {
      const next = await fx.engine.run({ environment: fx.environment, table: t.logical })
      expect(next, where).toMatchObject({
        mode: untracked(t) ? 'compare' : 'delta',
        created: 0,
        updated: 0,
        deleted: 0
      })
    })
    log.scenario(`pull ${kind}`)
  } finally {
    fx.close()
  }
}

describe('kill campaign: pull', () => {
  it(`pulls SIGKILLed at random points and run again lose nothing and journal nothing twice`, async () => {
    await Promise.all(
      [PRODUCT, ACCOUNT].map(async (t, lane) => {
        for (let n = 1; n <= SCENARIOS_PER_LANE; n++) await scenario(t, lane, n)
      })
    )
    const kills = Object.values(log.figures.kills).reduce((a, b) => a + b, 0)
    expect(kills, `FAULT_SEED=${seed}`).toBeGreaterThanOrEqual(30)
  })

  it('full-compare pulls of a table without change tracking, SIGKILLed and run again, lose nothing', async () => {
    // 12 warehouses in the demo; enough rows for several pages.
    await parallel(
      Array.from({ length: 150 }, (_, i) => i),
      8,
      async (i) => {
        const res = await harness.api('POST', WAREHOUSE.set, {
          body: { dvs_code: `FILL-${i}`, dvs_name: `Filler ${i}`, dvs_capacity: i }
        })
        if (res.status >= 300) throw new Error(`warehouse ${i}: ${res.status} ${res.text}`)
      }
    )
    const before = Object.values(log.figures.kills).reduce((a, b) => a + b, 0)
    for (let n = 1; n <= 6; n++) await scenario(WAREHOUSE, 3, n)
    const kills = Object.values(log.figures.kills).reduce((a, b) => a + b, 0) - before
    expect(kills, `FAULT_SEED=${seed}`).toBeGreaterThanOrEqual(3)
  })
})
