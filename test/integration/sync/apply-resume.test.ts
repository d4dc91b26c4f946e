import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pushFixture, writeRequests } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// Reliability rule (ARCHITECTURE.md): a run's journal is written before and after each request,
// so an apply killed at any point and started again completes without duplicates and without
// repeating what was done.

let harness: Harness
beforeAll(async () => {
  harness = await startHarness({ products: 20, faults: { latencyMs: 25 } })
})
afterAll(() => harness.close())

const root = join(__dirname, '..', '..', '..')

function childApply(
  dataDir: string,
  planId: number,
  killAfterDone: number
): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/support/apply-child.mts')],
      {
        cwd: root,
        env: {
          ...process.env,
          SANDBOX_URL: harness.sandbox.url,
          DATA_DIR: dataDir,
          PLAN_ID: String(planId),
          BATCH: '20'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      const done = Math.max(
        0,
        ...[...chunk.toString().matchAll(/done (\d+)/g)].map((m) => Number(m[1]))
      )
      if (done >= killAfterDone) child.kill('SIGKILL')
    })
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL'
        ? resolve('killed')
        : code === 0
          ? resolve('finished')
          : reject(new Error(err))
    )
  })
}

/** Waits until the sandbox has served nothing new for a few polls. */
async function quiet(h: Harness): Promise<void> {
  let last = -1
  for (let still = 0; still < 3;) {
    const total = h.sandbox.controls.stats.snapshot().total
    still = total === last ? still + 1 : 0
    last = total
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('apply: killed mid-way, then started again', () => {
  it('completes without duplicates and does not send again what was done', async () => {
    const fx = pushFixture(harness)
    const rows = Array.from({ length: 400 }, (_, i) => ({
      Code: `RESUME-${String(i).padStart(4, '0')}`,
      Name: `Resumed ${i}`,
      Price: String(i + 1)
    }))
    const plan = await fx.plan(fx.csv('resume.csv', rows), {
      table: 'product',
      map: 'Code=productnumber,Name=name,Price=price'
    })
    expect(plan.counts.create).toBe(400)
    fx.release()
    expect(await childApply(fx.dataDir, plan.planId, 100)).toBe('killed')
    fx.reopen()
    const journaled = fx.store.plans.outcomeCounts(plan.planId)
    const doneBefore = journaled['create:done'] ?? 0
    expect(doneBefore).toBeGreaterThanOrEqual(100)
    expect(doneBefore).toBeLessThan(400)

    // The killed child's last request may still be in the sandbox: let it finish before
    // counting, or its write would be counted against the resumed apply.
    await quiet(harness)
    harness.sandbox.controls.stats.reset()
    const resumed = await fx.apply(plan.planId, { batchSize: 20 })
    expect(resumed.failed).toBe(0)
    // Items the killed run sent but never recorded are found already applied, not sent again.
    expect(resumed.created + resumed.alreadyApplied).toBe(400 - doneBefore)
    expect(writeRequests(harness)).toBeLessThanOrEqual(Math.ceil(resumed.created / 20))

    const count = await harness.api(
      'GET',
      "products/$count?$filter=startswith(productnumber,'RESUME-')"
    )
    expect(count.text).toBe('400')
    const sample = await harness.api(
      'GET',
      "products(productnumber='RESUME-0399')?$select=name,price"
    )
    expect(sample.json).toMatchObject({ name: 'Resumed 399', price: 400 })

    // A retry of the whole apply changes nothing the second time.
    harness.sandbox.controls.stats.reset()
    const again = await fx.apply(plan.planId)
    expect(again).toMatchObject({ created: 0, updated: 0, failed: 0 })
    expect(writeRequests(harness)).toBe(0)
    fx.close()
  })

  it('leaves excluded rows out and records them as skipped', async () => {
    const fx = pushFixture(harness)
    const rows = [1, 2, 3].map((i) => ({ Code: `EXCL-${i}`, Name: `Excluded ${i}` }))
    const plan = await fx.plan(fx.csv('exclude.csv', rows), {
      table: 'product',
      map: 'Code=productnumber,Name=name'
    })
    const result = await fx.apply(plan.planId, { exclude: [2] })
    expect(result).toMatchObject({ created: 2, skipped: 1 })
    expect((await harness.api('GET', "products(productnumber='EXCL-2')")).status).toBe(404)
    fx.close()
  })
})
