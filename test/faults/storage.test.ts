import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { StorageError } from '../../src-main/store/errors'
import { openStore } from '../../src-main/store/open'
import { useCampaignLog, startDvsync } from '../support/fault-campaign'
import { dataFolderIn, fixtureIn, readOnlyView, smallDisk } from '../support/fault-storage'
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
import { useSandbox } from '../support/sandbox-harness'

// Storage faults (issue 8): a data folder that fills up mid-pull or mid-apply, and one that is
// read-only. The product stops with a message that names the folder and says what to do (the
// CLI exits 5), nothing in the file is corrupted (PRAGMA integrity_check), the mirror, the
// journal and the plan stay consistent, and once the folder is usable again the next run
// resumes and completes with nothing lost or twice. How the fault is made (a small tmpfs, a
// read-only bind mount as root; SQLite's max_page_count or chmod elsewhere) is in
// test/support/fault-storage.ts and in the campaign's figures.

// The sandbox first: its close runs after the log's hook has killed leftover children.
const harness = useSandbox({ products: 3000, accounts: 10, contacts: 10 })
const log = useCampaignLog(inject('faultPartsDir'), 'storage')
const t = PRODUCT

/** What a user sees from `dvsync`: exit 5 and a message naming the folder, no stack trace. */
async function expectCliRefusal(dataDir: string, problem: RegExp): Promise<void> {
  const run = startDvsync(['pull', '--env', 'sandbox', '--table', 'product', '--data-dir', dataDir])
  const { code } = await run.exited
  expect(code, run.stderr()).toBe(5)
  expect(run.stderr()).toContain(`The data folder ${dataDir} `)
  expect(run.stderr()).toMatch(problem)
  expect(run.stderr()).toMatch(/or choose another data folder with --data-dir/)
  expect(run.stderr()).not.toMatch(/^\s+at /m)
}

describe('a full disk', () => {
  it('a pull that fills the disk stops naming the folder; nothing is corrupted; with room again the next pull completes', async () => {
    const disk = smallDisk()
    try {
      const fx = fixtureIn(harness, dataFolderIn(disk.dir, 'data'))
      disk.fill(400, fx.store)
      const failed = await fx.engine
        .run({ environment: fx.environment, table: t.logical, maxPageSize: 200 })
        .catch((err: unknown) => err)
      log.fault(`disk full (${disk.method})`)
      expect(failed).toBeInstanceOf(StorageError)
      expect((failed as StorageError).problem).toBe('full')
      expect((failed as Error).message).toContain(`The data folder ${fx.dataDir} is full`)
      expect((failed as Error).message).toMatch(/Free some space there/)
      if (disk.method === 'tmpfs') await expectCliRefusal(fx.dataDir, /is full/)

      await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
      await log.check('mirror and journal consistent', () => {
        // Whole pages were kept, each with its journal entries; no delta link without them.
        const mirror = fx.store.mirrors.find(fx.environment.id, t.logical)!
        const rows = fx.store.mirrors.rows(mirror).count()
        expect(rows % 200).toBe(0)
        expect(rows).toBeLessThan(3000)
        expect(mirror.deltaLink).toBeNull()
        expect(pullJournal(fx.store, 0).created.size).toBe(rows)
        const run = fx.store.runs.list({ kind: 'pull' }).at(-1)!
        // The run says what it did, not what it read before the failed page was rolled back.
        if (run.status !== 'running')
          expect(run).toMatchObject({ status: 'failed', counts: { created: rows } })
      })

      disk.free(fx.store)
      const final = await fx.engine.run({
        environment: fx.environment,
        table: t.logical,
        maxPageSize: 200
      })
      expect(final.mode).toBe('resync')
      await log.check('mirror equals sandbox', async () =>
        expect(await mirrorDiff(harness, fx, t)).toEqual([])
      )
      const expected = noChanges()
      for (const id of await sandboxIds(harness, t)) expected.created.add(id)
      await log.check('each change journaled exactly once', () =>
        expect(journalDiff(pullJournal(fx.store, 0), expected)).toEqual([])
      )
      fx.close()
      log.scenario('disk full')
    } finally {
      disk.close()
    }
  })

  it('an apply that fills the disk stops naming the folder; the plan resumes and writes each record once', async () => {
    const disk = smallDisk()
    try {
      const fx = fixtureIn(harness, dataFolderIn(disk.dir, 'data'))
      const rows = Array.from({ length: 400 }, (_, i) => ({
        Code: `FULL-${String(i).padStart(4, '0')}`,
        Name: `Full ${i}`,
        Amount: String(i + 1)
      }))
      const plan = await fx.plan(fx.csv('full.csv', rows), {
        table: t.logical,
        map: t.map,
        batchSize: 10
      })
      // WAL frames are whole pages per transaction: a tmpfs fills faster than the page count.
      disk.fill(disk.method === 'tmpfs' ? 160 : 24, fx.store)
      const failed = await fx.apply(plan.planId, { parallelism: 2 }).catch((err: unknown) => err)
      log.fault(`disk full (${disk.method})`)
      expect(failed).toBeInstanceOf(StorageError)
      expect((failed as Error).message).toContain(`The data folder ${fx.dataDir} is full`)

      await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
      const outcomes = fx.store.plans.outcomeCounts(plan.planId)
      // It stopped part-way: some items done, the rest still to do (nothing lost in between).
      expect(outcomes['create:done'] ?? 0).toBeLessThan(400)
      await log.check('mirror and journal consistent', () => {
        // The run counts what its journal kept, not the items of a chunk that was rolled back.
        const run = fx.store.runs.list({ kind: 'apply' }).at(-1)!
        if (run.status !== 'running')
          expect(run).toMatchObject({
            status: 'failed',
            counts: { created: outcomes['create:done'] ?? 0 }
          })
        expect(fx.store.runs.itemCount(run.id)).toBe(outcomes['create:done'] ?? 0)
      })

      disk.free(fx.store)
      const again = await fx.apply(plan.planId)
      expect(again.failed).toBe(0)
      await log.check('each source record once in Dataverse', async () => {
        const { keys, byKey } = await recordsByPrefix(harness, t, 'FULL-')
        expect(keys.length).toBe(400)
        expect(new Set(keys).size).toBe(400)
        expect(byKey.get('FULL-0399')).toMatchObject({ name: 'Full 399', price: 400 })
      })
      const seqs = [...fx.store.plans.items(plan.planId, { actions: ['create'] })].map((i) => i.seq)
      await log.check('each change journaled exactly once', () =>
        expect(applyJournalDiff(fx.store, plan.planId, seqs)).toEqual([])
      )
      fx.close()
      log.scenario('disk full')
    } finally {
      disk.close()
    }
  })

  it('a journal write that fails part-way through a chunk is rolled back with its counts: the run reports what it kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dvsync-ioerr-'))
    try {
      const fx = fixtureIn(harness, dir)
      const rows = Array.from({ length: 60 }, (_, i) => ({
        Code: `IOER-${String(i).padStart(4, '0')}`,
        Name: `I/O ${i}`,
        Amount: String(i + 1)
      }))
      const plan = await fx.plan(fx.csv('ioerr.csv', rows), {
        table: t.logical,
        map: t.map,
        batchSize: 10
      })
      // The 25th outcome written fails as a failing drive makes SQLite fail (the 5th of a chunk).
      const plans = fx.store.plans
      const setOutcome = plans.setOutcome.bind(plans)
      let written = 0
      plans.setOutcome = (planId, seqs, outcome, ...rest) => {
        if (outcome === 'done' && ++written === 25)
          throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' })
        setOutcome(planId, seqs, outcome, ...rest)
      }
      const failed = await fx.apply(plan.planId, { parallelism: 1 }).catch((err: unknown) => err)
      log.fault('journal write failed (I/O error)')
      expect(failed).toBeInstanceOf(StorageError)
      expect((failed as Error).message).toContain(
        `The data folder ${dir} could not be read or written`
      )
      plans.setOutcome = setOutcome
      await log.check('mirror and journal consistent', () => {
        const run = fx.store.runs.list({ kind: 'apply' }).at(-1)!
        expect(run).toMatchObject({ status: 'failed', counts: { created: 20 } })
        expect(fx.store.runs.itemCount(run.id)).toBe(20)
        expect(fx.store.plans.outcomeCounts(plan.planId)).toMatchObject({ 'create:done': 20 })
      })
      await fx.apply(plan.planId)
      const seqs = [...fx.store.plans.items(plan.planId, { actions: ['create'] })].map((i) => i.seq)
      await log.check('each change journaled exactly once', () =>
        expect(applyJournalDiff(fx.store, plan.planId, seqs)).toEqual([])
      )
      await log.check('each source record once in Dataverse', async () =>
        expect((await recordsByPrefix(harness, t, 'IOER-')).keys).toHaveLength(60)
      )
      fx.close()
      log.scenario('journal write failure')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a read-only data folder', () => {
  it('is refused naming the folder; nothing in it changes; writable again, the next pull brings the change', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'dvsync-ro-data-'))
    try {
      const fx = fixtureIn(harness, dir)
      await fx.engine.run({ environment: fx.environment, table: t.logical })
      fx.release()
      await harness.api('PATCH', `products(productnumber='PRD-0000011')`, { body: { price: 1111 } })

      const view = readOnlyView(dir)
      if (!view) {
        fx.close()
        ctx.skip('root without mount or chattr: nothing here can make a folder read-only')
        return
      }
      try {
        log.fault(`read-only folder (${view.method})`)
        let refused: unknown
        try {
          openStore(view.dir).close()
        } catch (err) {
          refused = err
        }
        expect(refused).toBeInstanceOf(StorageError)
        expect((refused as StorageError).problem).toBe('read-only')
        await expectCliRefusal(view.dir, /can't be written/)
      } finally {
        view.close()
      }

      fx.reopen()
      await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
      const next = await fx.engine.run({ environment: fx.environment, table: t.logical })
      expect(next).toMatchObject({ mode: 'delta', updated: 1, created: 0, deleted: 0 })
      await log.check('mirror equals sandbox', async () =>
        expect(await mirrorDiff(harness, fx, t)).toEqual([])
      )
      fx.close()
      log.scenario('read-only folder')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
