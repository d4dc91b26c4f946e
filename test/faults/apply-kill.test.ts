import { describe, expect, inject, it } from 'vitest'
import type { ApplyStrategy } from '../../src-shared/model/push'
import type { SeededRandom } from '../../src-main/sandbox/seed/random'
import { useCampaignLog, runChild, seeded, type ChildOptions } from '../support/fault-campaign'
import {
  ACCOUNT,
  PRODUCT,
  applyJournalDiff,
  integrity,
  mirrorDiff,
  recordsByPrefix,
  sandboxQuery,
  type LaneTable
} from '../support/fault-tables'
import { pushFixture } from '../support/push-fixture'
import { useSandbox } from '../support/sandbox-harness'

// Kill campaign, apply (issue 8; ARCHITECTURE.md: "a run's journal is written before and after
// each request so an interrupted run resumes where it stopped"): an apply in a child process is
// SIGKILLed at a seeded random point — after a delay, after N items, right after a chunk is
// journaled 'sending', right after Dataverse answered a write the journal doesn't know of yet,
// or inside the journal's transaction — started again (sometimes killed again), then run to
// completion. Creates and updates, bulk, $batch and single strategies. After each scenario:
// Dataverse holds each source record exactly once with the planned values, the journals name
// each planned write exactly once across the runs, an apply again sends nothing, the mirror
// equals the sandbox, the file is sound.

const seed = inject('faultSeed')
const LATENCY_MS = 6
// The sandbox first: its close runs after the log's hook has killed leftover children.
const harness = useSandbox({
  products: 150,
  accounts: 150,
  contacts: 10,
  faults: { latencyMs: LATENCY_MS }
})
const log = useCampaignLog(inject('faultPartsDir'), 'apply-kill')
const SCENARIOS_PER_LANE = 16

function killPoint(rnd: SeededRandom, chunks: number, items: number): Partial<ChildOptions> {
  switch (rnd.pick(['delay', 'progress', 'sending', 'sent', 'journal'] as const)) {
    case 'delay':
      return { killAfterMs: rnd.int(0, 60 + chunks * (LATENCY_MS + 8)) }
    case 'progress':
      return { killAtProgress: rnd.int(1, Math.max(1, items - 1)) }
    case 'sending':
      return { killAt: `sending:${rnd.int(1, chunks)}` }
    case 'sent':
      return { killAt: `sent:${rnd.int(1, chunks)}` }
    default:
      return { killAt: `journal:${rnd.int(1, items)}` }
  }
}

async function scenario(t: LaneTable, lane: number, n: number): Promise<void> {
  const rnd = seeded(seed, `apply:${t.logical}:${n}`)
  const strategy = rnd.pick<ApplyStrategy>(['auto', 'auto', 'batch', 'single'])
  const batchSize = rnd.int(4, 25)
  const prefix = `FK${lane}-${String(n).padStart(2, '0')}-`
  const where = `apply scenario ${t.logical}#${n} (${strategy}, batch ${batchSize}; FAULT_SEED=${seed})`
  const fx = pushFixture(harness)
  try {
    // Source rows: new records, and new values for some of the seeded ones.
    const creates = rnd.int(20, 90)
    const seededKeys = (
      await sandboxQuery(
        harness,
        `${t.set}?$select=${t.key}&$filter=startswith(${t.key},'${t === PRODUCT ? 'PRD-' : 'ACC-'}')`
      )
    ).map((r) => String(r[t.key]))
    const updates = new Map<string, { name: string; amount: number }>()
    for (let i = rnd.int(3, 25); i > 0; i--)
      updates.set(rnd.pick(seededKeys), {
        name: `Fault ${prefix} ${i}`,
        amount: rnd.int(1, 90_000)
      })
    const rows = [
      ...Array.from({ length: creates }, (_, i) => ({
        Code: `${prefix}${String(i).padStart(3, '0')}`,
        Name: `New ${prefix}${i}`,
        Amount: String(100 + i)
      })),
      ...[...updates].map(([Code, v]) => ({ Code, Name: v.name, Amount: String(v.amount) }))
    ]
    const plan = await fx.plan(fx.csv('source.csv', rows), {
      table: t.logical,
      map: t.map,
      strategy,
      batchSize
    })
    expect(plan.counts, where).toMatchObject({ create: creates, update: updates.size })
    const items = creates + updates.size
    const chunks = Math.ceil(creates / batchSize) + Math.ceil(updates.size / batchSize)
    fx.release()

    const attempts = 1 + (rnd.chance(0.45) ? 1 : 0) + (rnd.chance(0.2) ? 1 : 0)
    for (let a = 0; a < attempts; a++) {
      log.child()
      const result = await runChild({
        ...killPoint(rnd, chunks, items),
        env: {
          JOB: 'apply',
          SANDBOX_URL: harness.sandbox.url,
          DATA_DIR: fx.dataDir,
          PLAN_ID: String(plan.planId),
          BATCH: String(batchSize),
          PARALLELISM: String(rnd.int(1, 3))
        }
      })
      if (result.end === 'failed')
        throw new Error(`${where}: the child apply failed (${result.code}): ${result.stderr}`)
      if (result.end === 'finished') break
      log.kill(`apply:${result.killedAt}`)
    }
    fx.reopen()
    await fx.apply(plan.planId)

    await log.check('each source record once in Dataverse', async () => {
      const { keys, byKey } = await recordsByPrefix(harness, t, prefix)
      expect(keys.length, where).toBe(creates)
      expect(new Set(keys).size, where).toBe(creates)
      for (const row of rows.slice(0, creates))
        expect(byKey.get(row.Code), where).toMatchObject({
          [t.name]: row.Name,
          [t.money]: Number(row.Amount)
        })
    })
    await log.check('planned values in Dataverse', async () => {
      for (const [key, v] of updates) {
        const res = await harness.api(
          'GET',
          `${t.set}(${t.key}='${key}')?$select=${t.name},${t.money}`
        )
        expect(res.json, `${where}: ${key}`).toMatchObject({
          [t.name]: v.name,
          [t.money]: v.amount
        })
      }
    })
    const planned = [...fx.store.plans.items(plan.planId, { actions: ['create', 'update'] })]
    await log.check('each change journaled exactly once', () => {
      expect(
        applyJournalDiff(
          fx.store,
          plan.planId,
          planned.map((i) => i.seq)
        ),
        where
      ).toEqual([])
      expect(
        planned.filter((i) => i.outcome !== 'done'),
        where
      ).toEqual([])
      expect(fx.store.plans.get(plan.planId)?.status, where).toBe('applied')
    })
    await log.check('no run left running', () =>
      expect(
        fx.store.runs.list({ limit: 1000 }).filter((r) => r.status === 'running'),
        where
      ).toEqual([])
    )
    await log.check('an apply again sends nothing', async () => {
      const again = await fx.apply(plan.planId)
      expect(again, where).toMatchObject({ created: 0, updated: 0, failed: 0, requests: 1 })
    })
    await log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(harness, fx, t), where).toEqual([])
    )
    await log.check('database intact', () => expect(integrity(fx.store), where).toBe('ok'))
    log.scenario(`apply ${strategy}`)
  } finally {
    fx.close()
  }
}

describe('kill campaign: apply', () => {
  it('applies SIGKILLed at random points and run again write each record once', async () => {
    await Promise.all(
      [PRODUCT, ACCOUNT].map(async (t, lane) => {
        for (let n = 1; n <= SCENARIOS_PER_LANE; n++) await scenario(t, lane, n)
      })
    )
    const kills = Object.values(log.figures.kills).reduce((a, b) => a + b, 0)
    expect(kills, `FAULT_SEED=${seed}`).toBeGreaterThanOrEqual(30)
  })
})
