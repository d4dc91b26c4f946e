import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRuns, pruneRuns } from '../../../src-main/history/index'
import { pushFixture, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * Retention against a real store filled by real runs: pruning by age and by count removes runs,
 * their items and the applied plans only they used — never mirrors, delta links, environments,
 * profiles, pending plans or running runs.
 */

let harness: Harness
let fx: PushFixture
beforeAll(async () => {
  harness = await startHarness({ accounts: 6, contacts: 10, products: 10 })
})
afterAll(async () => {
  await harness?.close()
})

const DAY = 86_400_000
const count = (fx: PushFixture, sql: string, ...params: unknown[]): number =>
  (fx.store.db.prepare(sql).get(...params) as { n: number }).n

/** Moves a run's start back in time, as if it had run that many days ago. */
const age = (fx: PushFixture, runId: number, days: number): void => {
  fx.store.db
    .prepare('UPDATE runs SET started_at = ?, finished_at = ? WHERE id = ?')
    .run(
      new Date(Date.now() - days * DAY).toISOString(),
      new Date(Date.now() - days * DAY + 1000).toISOString(),
      runId
    )
}

/** Everything pruning must never touch, as it is now. */
const untouchable = (fx: PushFixture) => ({
  mirrors: fx.store.db.prepare('SELECT * FROM mirrors ORDER BY id').all(),
  environments: fx.store.db.prepare('SELECT * FROM environments ORDER BY id').all(),
  profiles: fx.store.db.prepare('SELECT * FROM profiles ORDER BY id').all(),
  mirroredAccounts: fx.store.mirrors
    .rows(fx.store.mirrors.find(fx.environment.id, 'account')!)
    .count(),
  mirroredProducts: fx.store.mirrors
    .rows(fx.store.mirrors.find(fx.environment.id, 'product')!)
    .count()
})

describe('pruning history', () => {
  it('by age: old runs and their items go, with applied plans only they used; the rest stays', async () => {
    fx = pushFixture(harness)
    const env = fx.environment
    const oldPulls = [
      await fx.engine.run({ environment: env, table: 'account' }),
      await fx.engine.run({ environment: env, table: 'product' })
    ]
    await harness.api('PATCH', "accounts(accountnumber='ACC-00001')", { body: { name: 'Renamed' } })
    const applied = await fx.plan(
      fx.csv('applied.csv', [{ Number: 'ACC-00002', Name: 'Pushed long ago' }]),
      { table: 'account', map: 'Number=accountnumber,Name=name' }
    )
    const applyRun = await fx.apply(applied.planId)
    const pending = await fx.plan(
      fx.csv('pending.csv', [{ Number: 'ACC-00003', Name: 'Never applied' }]),
      { table: 'account', map: 'Number=accountnumber,Name=name' }
    )
    const recent = await fx.engine.run({ environment: env, table: 'account' })
    // A run still going in a live process (this one): never pruned, however old.
    const running = fx.store.runs.start({ kind: 'pull', environmentId: env.id, tableName: 'x' })
    fx.store.profiles.save({
      name: 'kept',
      kind: 'push',
      environmentId: env.id,
      tableName: 'account',
      settings: {}
    })
    const all = listRuns(fx.store, { limit: 1000 })
    for (const run of all) if (run.id !== recent.runId) age(fx, run.id, 100)
    const before = untouchable(fx)
    const oldIds = all.filter((r) => r.id !== recent.runId).map((r) => r.id)
    // A run's items and those of its parts (the delta pulls a plan or an apply made).
    const itemsOfOld = oldIds.reduce(
      (n, id) =>
        n +
        count(
          fx,
          'SELECT count(*) AS n FROM run_items WHERE run_id = ? OR run_id IN (SELECT id FROM runs WHERE parent_run_id = ?)',
          id,
          id
        ),
      0
    )
    expect(itemsOfOld).toBeGreaterThan(10)

    const dry = pruneRuns(fx.store, { olderThanDays: 30, dryRun: true })
    expect(dry.dryRun).toBe(true)
    expect(listRuns(fx.store, { limit: 1000 })).toHaveLength(all.length)

    const result = pruneRuns(fx.store, { olderThanDays: 30 })
    expect(result.runs.map((r) => r.id)).toEqual(dry.runs.map((r) => r.id))
    const pruned = new Set(result.runs.map((r) => r.id))
    // Kept: the recent pull, the running run, and the pending plan's run.
    expect(pruned.has(recent.runId)).toBe(false)
    expect(pruned.has(running)).toBe(false)
    expect(pruned.has(pending.runId)).toBe(false)
    expect(result.protectedRuns).toBe(2)
    for (const id of [...oldPulls.map((p) => p.runId), applied.runId, applyRun.runId])
      expect(pruned.has(id), `run ${id}`).toBe(true)
    expect(result.items).toBe(
      itemsOfOld -
        count(
          fx,
          'SELECT count(*) AS n FROM run_items WHERE run_id IN (?, ?) OR run_id IN (SELECT id FROM runs WHERE parent_run_id = ?)',
          running,
          pending.runId,
          pending.runId
        )
    )
    for (const id of pruned) {
      expect(fx.store.runs.get(id)).toBeUndefined()
      expect(count(fx, 'SELECT count(*) AS n FROM run_items WHERE run_id = ?', id)).toBe(0)
    }
    // The applied plan went with its runs; the pending one stays, with its items.
    expect(result.plans).toEqual([applied.planId])
    expect(result.planItems).toBe(1)
    expect(fx.store.plans.get(applied.planId)).toBeUndefined()
    expect(
      count(fx, 'SELECT count(*) AS n FROM plan_items WHERE plan_id = ?', applied.planId)
    ).toBe(0)
    expect(fx.store.plans.get(pending.planId)).toMatchObject({ status: 'ready' })
    expect(
      count(fx, 'SELECT count(*) AS n FROM plan_items WHERE plan_id = ?', pending.planId)
    ).toBe(1)
    // Mirrors, their rows and delta links, environments and profiles: exactly as they were.
    expect(untouchable(fx)).toEqual(before)
    expect(before.mirrors.every((m) => (m as { delta_link: string | null }).delta_link)).toBe(true)
    // The next pull is still a delta: nothing it needs was pruned.
    const next = await fx.engine.run({ environment: env, table: 'account' })
    expect(next.mode).toBe('delta')
    fx.store.runs.finish(running, 'cancelled')
    fx.close()
  })

  it('by count: keeps the newest N runs of each kind per table; with an age, keeps recent ones too', async () => {
    fx = pushFixture(harness)
    const env = fx.environment
    const accounts = []
    for (let i = 0; i < 4; i++)
      accounts.push(await fx.engine.run({ environment: env, table: 'account' }))
    const products = [
      await fx.engine.run({ environment: env, table: 'product' }),
      await fx.engine.run({ environment: env, table: 'product' })
    ]
    const plan = await fx.plan(fx.csv('p.csv', [{ Number: 'ACC-00004', Name: 'Kept by count' }]), {
      table: 'account',
      map: 'Number=accountnumber,Name=name'
    })
    const apply = await fx.apply(plan.planId)
    // The plan's and the apply's own delta pulls are parts of those runs, not pulls of their own.
    const accountPulls = listRuns(fx.store, { kind: 'pull', table: 'account' }).map((r) => r.id)
    expect(accountPulls).toEqual(accounts.map((a) => a.runId).reverse())
    const parts = [...fx.store.runs.parts(plan.runId), ...fx.store.runs.parts(apply.runId)]
    expect(parts.map((p) => p.kind)).toEqual(['pull', 'pull'])

    // --older-than 10 --keep 1: only runs both old and beyond the newest of their kind go.
    for (const id of accountPulls.slice(1, 3)) age(fx, id, 20)
    const both = pruneRuns(fx.store, { olderThanDays: 10, keep: 1 })
    expect(both.runs.map((r) => r.id).sort()).toEqual(accountPulls.slice(1, 3).sort())

    const byCount = pruneRuns(fx.store, { keep: 1 })
    const left = listRuns(fx.store, { limit: 1000 })
    expect(left.map((r) => `${r.kind} ${r.table}`).sort()).toEqual(
      ['apply account', 'plan account', 'pull account', 'pull product'].sort()
    )
    expect(left.map((r) => r.id)).toEqual(
      expect.arrayContaining([accountPulls[0], products[1]!.runId, plan.runId, apply.runId])
    )
    expect(byCount.runs.map((r) => r.id)).toEqual(
      expect.arrayContaining([accounts[0]!.runId, products[0]!.runId])
    )
    // Kept runs keep their parts; they are never pruned on their own.
    for (const part of parts) expect(fx.store.runs.get(part.id)).toBeDefined()
    // The applied plan stays: its plan run and apply run were kept.
    expect(fx.store.plans.get(plan.planId)).toBeDefined()
    expect(() => pruneRuns(fx.store, {})).toThrow(/Say what to prune/)
    expect(() => pruneRuns(fx.store, { keep: -1 })).toThrow(/0 or more/)
    fx.close()
  })
})
