import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compareRuns,
  figuresOverTime,
  HistoryError,
  listRuns,
  type HistoryRun
} from '../../../src-main/history/index'
import type { PullResult } from '../../../src-main/sync/pull'
import { pushFixture, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'
import { PROFILE, runScenario, type Scenario } from '../reports/scenario'

/**
 * Run history over a real store filled by real runs against the sandbox: list and filter,
 * compare two runs, figures over time (src-main/history).
 */

let harness: Harness
let fx: PushFixture
let s: Scenario
let productPulls: PullResult[]
let cancelledRunId: number
beforeAll(async () => {
  harness = await startHarness({ accounts: 5, contacts: 20, products: 30 })
  fx = pushFixture(harness)
  s = await runScenario(harness, fx)
  const environment = fx.environment
  const patch = (key: string, body: object) =>
    harness.api('PATCH', `products(productnumber='${key}')`, { body })
  const pull = () => fx.engine.run({ environment, table: 'product' })
  productPulls = [await pull()]
  await patch('PRD-0000001', { name: 'First change' })
  await patch('PRD-0000002', { name: 'Changed in both', price: 1 })
  productPulls.push(await pull())
  await patch('PRD-0000002', { name: 'Changed again', price: 2 })
  await patch('PRD-0000003', { name: 'Only later' })
  productPulls.push(await pull())
  // A pull of accounts cancelled after its first page.
  const controller = new AbortController()
  await expect(
    fx.engine.run({
      environment,
      table: 'account',
      maxPageSize: 2,
      signal: controller.signal,
      onProgress: () => controller.abort()
    })
  ).rejects.toThrow(/cancelled/)
  cancelledRunId = fx.store.runs.list({ kind: 'pull', tableName: 'account', limit: 1 })[0]!.id
})
afterAll(async () => {
  fx?.close()
  await harness?.close()
})

const ids = (runs: HistoryRun[]): number[] => runs.map((r) => r.id)

describe('listing runs', () => {
  it('lists newest first with counts, figures and duration, and filters by kind, environment, table, profile and status', () => {
    const all = listRuns(fx.store, { limit: 1000 })
    expect(ids(all)).toEqual([...ids(all)].sort((a, b) => b - a))
    const apply = all.find((r) => r.id === s.apply.runId)!
    expect(apply).toMatchObject({
      kind: 'apply',
      mode: 'upsert',
      status: 'completed',
      environmentName: 'sandbox',
      table: 'contact',
      profile: PROFILE,
      account: 'sandbox demo app',
      planId: s.plan.planId,
      counts: { created: 4, updated: 1, failed: 1, conflicts: 1, deleted: 0, unchanged: 0 },
      records: 7,
      problems: 2,
      durationMs: expect.any(Number)
    })
    expect(apply.figures.requests).toBeGreaterThan(0)
    // A plan's counts under the common names: what it proposes.
    expect(all.find((r) => r.id === s.plan.runId)).toMatchObject({
      kind: 'plan',
      planId: s.plan.planId,
      counts: { created: 5, updated: 2, failed: 1 }
    })

    const pulls = listRuns(fx.store, { kind: 'pull', limit: 1000 })
    expect(pulls.every((r) => r.kind === 'pull')).toBe(true)
    expect(ids(listRuns(fx.store, { kind: ['plan', 'apply'] }))).toEqual([
      s.apply.runId,
      s.plan.runId
    ])
    expect(listRuns(fx.store, { environment: 'SANDBOX', limit: 1000 })).toHaveLength(all.length)
    expect(listRuns(fx.store, { environment: 'elsewhere' })).toEqual([])
    expect(ids(listRuns(fx.store, { table: 'product' }))).toEqual(
      productPulls.map((p) => p.runId).reverse()
    )
    expect(ids(listRuns(fx.store, { profile: PROFILE.toUpperCase() }))).toEqual([
      s.apply.runId,
      s.plan.runId
    ])
    expect(ids(listRuns(fx.store, { status: 'cancelled' }))).toEqual([cancelledRunId])
    expect(listRuns(fx.store, { status: ['completed', 'cancelled'], limit: 1000 }).length).toBe(
      all.length
    )
  })

  it('filters by start time and pages with beforeId; refuses unknown kinds and dates', () => {
    const apply = fx.store.runs.get(s.apply.runId)!
    const since = listRuns(fx.store, { from: apply.startedAt, limit: 1000 })
    expect(ids(since)).toContain(s.apply.runId)
    expect(since.every((r) => r.startedAt >= apply.startedAt)).toBe(true)
    const before = listRuns(fx.store, { to: apply.startedAt, limit: 1000 })
    expect(before.every((r) => r.startedAt < apply.startedAt)).toBe(true)
    expect(ids(before)).toContain(s.initialPull.runId)
    expect(listRuns(fx.store, { from: new Date(Date.now() + 86_400_000) })).toEqual([])
    expect(listRuns(fx.store, { to: '2000-01-01' })).toEqual([])

    const first = listRuns(fx.store, { limit: 3 })
    const next = listRuns(fx.store, { limit: 3, beforeId: first.at(-1)!.id })
    expect(next).toHaveLength(3)
    expect(next[0]!.id).toBeLessThan(first.at(-1)!.id)

    expect(() => listRuns(fx.store, { kind: 'sync' as 'pull' })).toThrow(HistoryError)
    expect(() => listRuns(fx.store, { from: 'last tuesday' })).toThrow(/is not a date/)
    expect(() => listRuns(fx.store, { status: 'done' as 'completed' })).toThrow(HistoryError)
  })
})

describe('comparing runs', () => {
  it('puts counts and figures side by side and lists the records that differ', () => {
    const [, second, third] = productPulls
    const c = compareRuns(fx.store, second!.runId, third!.runId)
    expect(c.a.id).toBe(second!.runId)
    expect(c.counts.find((r) => r.name === 'updated')).toEqual({
      name: 'updated',
      a: 2,
      b: 2,
      delta: 0
    })
    expect(c.figures.find((r) => r.name === 'requests')).toMatchObject({ a: 1, b: 1 })
    expect(c.records).toMatchObject({ onlyInA: 1, onlyInB: 1, different: 1, total: 3 })
    const byKey = new Map(c.records.items.map((d) => [d.key, d]))
    expect(byKey.get('PRD-0000001')).toMatchObject({ difference: 'only-in-a', b: null })
    expect(byKey.get('PRD-0000003')).toMatchObject({ difference: 'only-in-b', a: null })
    const both = byKey.get('PRD-0000002')!
    expect(both).toMatchObject({ difference: 'different', a: { action: 'updated' } })
    expect(both.columns).toEqual(expect.arrayContaining(['name', 'price']))
    expect(both.b!.values).toMatchObject({ name: 'Changed again', price: 2 })

    const paged = compareRuns(fx.store, second!.runId, third!.runId, { limit: 1 })
    expect(paged.records).toMatchObject({ total: 3, truncated: true })
    expect(paged.records.items).toHaveLength(1)
    expect(compareRuns(fx.store, s.apply.runId, s.apply.runId).records.total).toBe(0)
  })

  it('compares a plan with its apply (same profile), and refuses runs of different tables', () => {
    const c = compareRuns(fx.store, s.plan.runId, s.apply.runId)
    // The plan's row without a key never reached the apply; the others differ by action's outcome.
    expect(c.records.onlyInA).toBe(1)
    expect(c.counts.find((r) => r.name === 'conflicts')).toMatchObject({ a: 0, b: 1, delta: 1 })
    expect(() => compareRuns(fx.store, s.initialPull.runId, productPulls[0]!.runId)).toThrow(
      /different tables and profiles/
    )
    expect(() => compareRuns(fx.store, s.apply.runId, 999_999)).toThrow(/There is no run 999999/)
    // A plan run that stopped before it made its plan has no records to compare.
    const planless = fx.store.runs.start({
      kind: 'plan',
      environmentId: fx.environment.id,
      environmentName: 'sandbox',
      tableName: 'contact'
    })
    fx.store.runs.finish(planless, 'failed', 'The source file could not be read.')
    expect(compareRuns(fx.store, planless, s.plan.runId).records).toMatchObject({
      onlyInA: 0,
      onlyInB: 8,
      different: 0
    })
  })
})

describe('figures over time', () => {
  it('gives records, duration and failures per run, oldest first, for charts', () => {
    const points = figuresOverTime(fx.store, { kind: 'pull', table: 'product' })
    expect(points.map((p) => p.runId)).toEqual(productPulls.map((p) => p.runId))
    expect(points.map((p) => p.records)).toEqual([30, 2, 2])
    for (const p of points) {
      expect(p.durationMs).toEqual(expect.any(Number))
      expect(p.requests).toBeGreaterThan(0)
    }
    const [apply] = figuresOverTime(fx.store, { kind: 'apply' })
    expect(apply).toMatchObject({ failed: 1, conflicts: 1, problems: 2, records: 7, created: 4 })
    expect(figuresOverTime(fx.store, { table: 'contact', limit: 2 }).map((p) => p.runId)).toEqual(
      listRuns(fx.store, { table: 'contact', limit: 2 })
        .map((r) => r.id)
        .reverse()
    )
  })
})
