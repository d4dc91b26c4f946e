import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
    const args = ['apply', '--plan', String(plan.planId), '--dop', '2', '--yes', '--json']
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

// Issue 19 item 8: the app and the CLI (or two CLIs) on one data folder failed with
// "SqliteError: database is locked" (exit 70). Several dvsync processes pull, plan and list runs
// on one data folder at the same time, wave after wave, starting from a folder that does not
// exist yet (so the first wave also races to create and migrate it): each completes, or is
// refused because the same pull is running (exit 2, naming it); none says the database is locked.
describe('many instances hammering one data folder', () => {
  it('pulls, plans and runs lists at once: each waits for the others, none fails with "database is locked"', async () => {
    const fx = pullFixture(harness)
    fx.close()
    const source = join(tmpdir(), `dvsync-hammer-${process.pid}.csv`)
    writeFileSync(
      source,
      [
        'Code,Name,Amount',
        ...Array.from(
          { length: 400 },
          (_, i) => `HAM-${String(i).padStart(4, '0')},Hammer ${i},${i + 1}`
        )
      ].join('\n')
    )
    const dir = ['--data-dir', fx.dataDir]
    const env = ['--env', 'sandbox']
    // Long write transactions (a full pull of 900 rows in one page) beside short ones that read
    // before they write (delta pulls of small pages, plans reading the mirror, run claims).
    const commands: string[][] = [
      ['pull', ...env, '--table', 'product', '--full', '--page-size', '5000', '--json'],
      ['pull', ...env, '--table', 'contact', '--full', '--page-size', '1', '--json'],
      ['plan', ...env, '--table', 'product', '--source', source, '--map', t.map, '--json'],
      ['plan', ...env, '--table', 'product', '--source', source, '--map', t.map, '--json'],
      ['runs', '--kind', 'pull', '--json'],
      ['runs', '--json'],
      ['env', 'list', '--json']
    ]
    const ends: Record<string, number> = {}
    try {
      // The first wave finds no data folder: every process creates and migrates it at once.
      const first = await Promise.all(
        [0, 1, 2].map(() => startDvsync(['runs', '--json', ...dir]).exited)
      )
      expect(first.map((e) => e.code)).toEqual([0, 0, 0])
      const added = startDvsync([
        'env',
        'add',
        'sandbox',
        '--url',
        harness.sandbox.url,
        '--auth',
        'sandbox',
        ...dir
      ])
      expect((await added.exited).code, added.stderr()).toBe(0)
      for (let wave = 0; wave < 3; wave++) {
        const runs = commands.map((args) => ({ args, run: startDvsync([...args, ...dir]) }))
        for (const { args, run } of runs) {
          const { code } = await run.exited
          const what = `dvsync ${args.join(' ')} → ${code}\nstderr: ${run.stderr()}`
          expect(run.stderr(), what).not.toMatch(/database is locked|SQLITE_BUSY/i)
          if (code !== 0) {
            expect(code, what).toBe(2)
            expect(run.stderr(), what).toMatch(/is already running \(process \d+/)
          }
          const key = `${args[0]} ${code === 0 ? 'completed' : 'refused'}`
          ends[key] = (ends[key] ?? 0) + 1
        }
        log.fault('instances at once', runs.length)
      }
    } finally {
      rmSync(source, { force: true })
    }
    fx.reopen()
    await log.check('database intact', () => expect(integrity(fx.store)).toBe('ok'))
    fx.close()
    log.scenario(
      `many instances (${Object.entries(ends)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')})`
    )
    // Some 25 dvsync processes, each starting through tsx on two shared cores.
  }, 300_000)

  it('a data folder kept locked past the busy timeout: dvsync says it is busy and what runs there (exit 2)', async () => {
    const fx = pullFixture(harness)
    const running = fx.store.runs.start({
      kind: 'pull',
      environmentId: fx.environment.id,
      environmentName: 'sandbox',
      tableName: 'contact'
    })
    // This process stands for the app in the middle of one very long write.
    fx.store.db.exec('BEGIN IMMEDIATE')
    try {
      const run = startDvsync([
        'pull',
        '--env',
        'sandbox',
        '--table',
        'product',
        '--json',
        '--data-dir',
        fx.dataDir
      ])
      const { code } = await run.exited
      expect(code, run.stderr()).toBe(2)
      expect(run.stderr()).toMatch(
        new RegExp(
          `^dvsync: The data folder .* is busy: another process \\(the app or another dvsync\\) kept it locked for more than 10 s; running now: pull of contact in 'sandbox' \\(run ${running}, process ${process.pid}, since .*\\)\\. What was saved before is intact; run this again when it has finished\\.$`,
          'm'
        )
      )
      expect(run.stderr()).not.toMatch(/^\s+at |SqliteError/m)
      expect(JSON.parse(run.stdout())).toMatchObject({ error: { exitCode: 2 } })
    } finally {
      fx.store.db.exec('ROLLBACK')
      fx.close()
    }
    log.fault('data folder locked past the busy timeout')
  })
})
