import { describe, expect, inject, it } from 'vitest'
import type { Store } from '../../src-main/store/open'
import { useCampaignLog, runChild } from '../support/fault-campaign'
import { PRODUCT, integrity, recordsByPrefix } from '../support/fault-tables'
import { pushFixture, type PushFixture } from '../support/push-fixture'
import { useSandbox } from '../support/sandbox-harness'

// Issue 19 item 4: two applies creating the same keys at the same time both reported "created
// 3000" and one side's values were lost: planned creates went out as unconditional upserts,
// guarded only by the mirror read at the start. Now a planned create is refused when its record
// exists by the time it is written (If-None-Match: *, CreateMultiple's duplicate key), and two
// applies to one table from one data folder run one after the other. Both applies are child
// processes writing over HTTP to one sandbox; each plans the same 3,000 new keys with its own
// values. Afterwards every key is in Dataverse once, exactly one side reports it created and
// the other a conflict, and the record holds the values of the side that created it.

const harness = useSandbox({ products: 20, accounts: 5, contacts: 5, faults: { latencyMs: 4 } })
const log = useCampaignLog(inject('faultPartsDir'), 'concurrent-applies')
const t = PRODUCT
const N = 3000

async function planSide(fx: PushFixture, prefix: string, side: string) {
  const rows = Array.from({ length: N }, (_, i) => ({
    Code: `${prefix}${String(i).padStart(4, '0')}`,
    Name: `${side} ${i}`,
    Amount: String(side === 'A' ? i + 1 : i + 50_000)
  }))
  const plan = await fx.plan(fx.csv(`${side}.csv`, rows), { table: t.logical, map: t.map })
  expect(plan.counts.create).toBe(N)
  return plan.planId
}

const applyChild = (dataDir: string, planId: number) =>
  runChild({
    timeoutMs: 150_000,
    env: {
      JOB: 'apply',
      SANDBOX_URL: harness.sandbox.url,
      DATA_DIR: dataDir,
      PLAN_ID: String(planId),
      BATCH: '100',
      PARALLELISM: '2'
    }
  })

/** Each key's outcome in a plan: 'done' (created) or 'conflict'. */
function outcomes(store: Store, planId: number): Map<string, string> {
  return new Map([...store.plans.items(planId)].map((i) => [i.key!, i.outcome]))
}

/** Every key once in Dataverse, created by exactly one side, with that side's values. */
async function expectOneWinnerPerKey(
  prefix: string,
  sides: { name: string; outcomes: Map<string, string> }[]
): Promise<Record<string, number>> {
  const { keys, byKey } = await recordsByPrefix(harness, t, prefix)
  expect(keys.length).toBe(N)
  expect(new Set(keys).size).toBe(N)
  const created: Record<string, number> = Object.fromEntries(sides.map((s) => [s.name, 0]))
  const problems: string[] = []
  for (const key of keys) {
    const winners = sides.filter((s) => s.outcomes.get(key) === 'done')
    const losers = sides.filter((s) => s.outcomes.get(key) === 'conflict')
    if (winners.length !== 1 || losers.length !== 1) {
      problems.push(`${key}: ${sides.map((s) => `${s.name} ${s.outcomes.get(key)}`).join(', ')}`)
      continue
    }
    created[winners[0]!.name]! += 1
    const i = Number(key.slice(prefix.length))
    const name = byKey.get(key)?.[t.name]
    if (name !== `${winners[0]!.name} ${i}`)
      problems.push(`${key}: holds '${String(name)}' but ${winners[0]!.name} reported it created`)
  }
  expect(problems.slice(0, 10)).toEqual([])
  return created
}

describe('two applies creating the same keys at once', () => {
  it('from one data folder: they run one after the other; the second reports conflicts', async () => {
    const fx = pushFixture(harness)
    const planA = await planSide(fx, 'CC1-', 'A')
    const planB = await planSide(fx, 'CC1-', 'B')
    fx.release()
    const [a, b] = await Promise.all([applyChild(fx.dataDir, planA), applyChild(fx.dataDir, planB)])
    log.child()
    log.child()
    expect(a.end, a.stderr).toBe('finished')
    expect(b.end, b.stderr).toBe('finished')
    fx.reopen()
    const created = await expectOneWinnerPerKey('CC1-', [
      { name: 'A', outcomes: outcomes(fx.store, planA) },
      { name: 'B', outcomes: outcomes(fx.store, planB) }
    ])
    // Serialised: one apply created all of them, the other found every record there.
    expect(Object.values(created).sort((x, y) => x - y)).toEqual([0, N])
    const runs = fx.store.runs.list({ kind: 'apply' })
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed'])
    await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
    fx.close()
    log.scenario('concurrent applies (one data folder)')
  })

  it('from two data folders: each key is created once, the other side’s create is a conflict, no values lost', async () => {
    const fxA = pushFixture(harness)
    const fxB = pushFixture(harness)
    const planA = await planSide(fxA, 'CC2-', 'A')
    const planB = await planSide(fxB, 'CC2-', 'B')
    fxA.release()
    fxB.release()
    const [a, b] = await Promise.all([
      applyChild(fxA.dataDir, planA),
      applyChild(fxB.dataDir, planB)
    ])
    log.child()
    log.child()
    expect(a.end, a.stderr).toBe('finished')
    expect(b.end, b.stderr).toBe('finished')
    fxA.reopen()
    fxB.reopen()
    const created = await expectOneWinnerPerKey('CC2-', [
      { name: 'A', outcomes: outcomes(fxA.store, planA) },
      { name: 'B', outcomes: outcomes(fxB.store, planB) }
    ])
    expect(created['A']! + created['B']!).toBe(N)
    for (const fx of [fxA, fxB]) {
      const conflict = [...fx.store.plans.items(fx === fxA ? planA : planB)].find(
        (i) => i.outcome === 'conflict'
      )
      if (conflict)
        expect(conflict.outcomeMessage).toMatch(
          /created in Dataverse after the plan; it was not overwritten/
        )
      await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
      fx.close()
    }
    log.scenario(`concurrent applies (two data folders: A ${created['A']}, B ${created['B']})`)
  })
})
