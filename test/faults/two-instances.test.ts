import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { RunBusyError } from '../../src-main/store/run-lock'
import { useCampaignLog, startDvsync, type Started } from '../support/fault-campaign'
import {
  PRODUCT,
  applyJournalDiff,
  integrity,
  journalDiff,
  mirrorDiff,
  noChanges,
  pullJournal,
  recordsByPrefix,
  sandboxIds
} from '../support/fault-tables'
import { pullFixture } from '../support/pull-fixture'
import { pushFixture } from '../support/push-fixture'
import { useSandbox } from '../support/sandbox-harness'

// Two instances on one data folder (issue 8): the desktop app and a scheduled `dvsync`, or two
// schedulers, pull the same table or apply the same plan at the same moment. One of them is
// refused with a message that says what is running and what to do (exit 2), or both complete
// safely: the file stays sound, no journal entry is doubled, no delta link is lost, and
// Dataverse holds each record once.

// The sandbox first: its close runs after the log's hook has killed leftover children.
const harness = useSandbox({
  products: 900,
  accounts: 10,
  contacts: 10,
  faults: { latencyMs: 5 }
})
const log = useCampaignLog(inject('faultPartsDir'), 'two-instances')
const t = PRODUCT

/** Both runs' ends: each completed, or was refused because the other one was running. */
async function bothEnd(a: Started, b: Started, refusal: RegExp): Promise<string[]> {
  const ends: string[] = []
  for (const run of [a, b]) {
    const { code } = await run.exited
    if (code === 0) ends.push('completed')
    else {
      expect(code, run.stderr()).toBe(2)
      expect(run.stderr()).toMatch(refusal)
      expect(run.stderr()).not.toMatch(/^\s+at /m)
      ends.push('refused')
    }
  }
  // At least one of them did the work.
  expect(ends).toContain('completed')
  return ends
}

describe('two instances on one data folder', () => {
  it('two pulls of one table at once: one is refused or both complete, and nothing is doubled or lost', async () => {
    const fx = pullFixture(harness)
    fx.release()
    const args = ['pull', '--env', 'sandbox', '--table', 'product', '--page-size', '30', '--json']
    const a = startDvsync([...args, '--data-dir', fx.dataDir])
    const b = startDvsync([...args, '--data-dir', fx.dataDir])
    const ends = await bothEnd(
      a,
      b,
      /A pull of product in 'sandbox' is already running \(process \d+, since .*\) on the data folder .*; wait for it/
    )
    log.fault('second instance (pull)')
    fx.reopen()
    await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
    await log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(harness, fx, t)).toEqual([])
    )
    const expected = noChanges()
    for (const id of await sandboxIds(harness, t)) expected.created.add(id)
    await log.check('each change journaled exactly once', () =>
      expect(journalDiff(pullJournal(fx.store, 0), expected)).toEqual([])
    )
    await log.check('delta link kept', async () => {
      const next = await fx.engine.run({ environment: fx.environment, table: t.logical })
      expect(next).toMatchObject({ mode: 'delta', created: 0, updated: 0, deleted: 0 })
    })
    fx.close()
    log.scenario(`two instances (pull: ${ends.join(', ')})`)
  })

  it('two applies of one plan at once: one is refused or both complete, and each record is written once', async () => {
    const fx = pushFixture(harness)
    const rows = Array.from({ length: 300 }, (_, i) => ({
      Code: `TWO-${String(i).padStart(4, '0')}`,
      Name: `Twice ${i}`,
      Amount: String(i + 1)
    }))
    const plan = await fx.plan(fx.csv('two.csv', rows), {
      table: t.logical,
      map: t.map,
      batchSize: 10,
      mode: 'create'
    })
    fx.release()
    const args = ['apply', '--plan', String(plan.planId), '--dop', '2', '--json']
    const a = startDvsync([...args, '--data-dir', fx.dataDir])
    const b = startDvsync([...args, '--data-dir', fx.dataDir])
    const ends = await bothEnd(
      a,
      b,
      new RegExp(`An apply of plan ${plan.planId} is already running \\(process \\d+`)
    )
    log.fault('second instance (apply)')
    fx.reopen()
    await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
    await log.check('each source record once in Dataverse', async () => {
      const { keys, byKey } = await recordsByPrefix(harness, t, 'TWO-')
      expect(keys.length).toBe(300)
      expect(new Set(keys).size).toBe(300)
      expect(byKey.get('TWO-0299')).toMatchObject({ name: 'Twice 299', price: 300 })
    })
    const seqs = [...fx.store.plans.items(plan.planId, { actions: ['create'] })].map((i) => i.seq)
    await log.check('each change journaled exactly once', () =>
      expect(applyJournalDiff(fx.store, plan.planId, seqs)).toEqual([])
    )
    expect(fx.store.plans.get(plan.planId)?.status).toBe('applied')
    fx.close()
    log.scenario(`two instances (apply: ${ends.join(', ')})`)
  })

  it('while a pull runs, another on the same table is refused naming it; a claim left by a killed process is taken over', async () => {
    const fx = pullFixture(harness)
    fx.release()
    harness.sandbox.controls.faults.configure({ latencyMs: 40 })
    const running = startDvsync([
      'pull',
      '--env',
      'sandbox',
      '--table',
      'product',
      '--page-size',
      '30',
      '--data-dir',
      fx.dataDir
    ])
    try {
      await running.waitFor(/product \(initial\): 2 pages/)
      fx.reopen()
      const refused = await fx.engine
        .run({ environment: fx.environment, table: t.logical })
        .catch((err: unknown) => err)
      expect(refused).toBeInstanceOf(RunBusyError)
      expect((refused as Error).message).toContain(`process ${running.child.pid}`)
      // The refused run left nothing behind: no run of its own, the other one still going.
      expect(fx.store.runs.list({ kind: 'pull' }).map((r) => r.status)).toEqual(['running'])
      // Killed mid-run, the other process leaves its claim behind: the next pull takes it over.
      running.child.kill('SIGKILL')
      await running.exited
      log.kill('pull:two-instances')
    } finally {
      harness.sandbox.controls.faults.configure({ latencyMs: 5 })
    }
    expect(readdirSync(join(fx.dataDir, 'locks'))).toHaveLength(1)
    const next = await fx.engine.run({ environment: fx.environment, table: t.logical })
    expect(next.mode).toBe('resync')
    await log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(harness, fx, t)).toEqual([])
    )
    expect(readdirSync(join(fx.dataDir, 'locks'))).toEqual([])
    fx.close()
    log.fault('second instance (pull)')
    log.scenario('two instances (refused, then stale claim taken over)')
  })
})
