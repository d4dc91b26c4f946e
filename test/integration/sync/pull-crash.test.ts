import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mirrorRows, pullFixture, sandboxRows, type PullFixture } from '../../support/pull-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// Reliability rule (ARCHITECTURE.md): a crash at any point re-applies pages and never loses a
// change. A pull runs in a child process and is killed with SIGKILL after a given page.

let harness: Harness
beforeAll(async () => {
  harness = await startHarness({ products: 2400, faults: { latencyMs: 5 } })
})
afterAll(() => harness.close())

const root = join(__dirname, '..', '..', '..')

/** Runs a pull in a child; kills it right after it reports `killAfterPage` (or lets it finish). */
function childPull(fixture: PullFixture, killAfterPage?: number): Promise<'killed' | 'done'> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/support/pull-child.mts')],
      {
        cwd: root,
        env: {
          ...process.env,
          SANDBOX_URL: harness.sandbox.url,
          DATA_DIR: fixture.dataDir,
          TABLE: 'product',
          PAGE_SIZE: '100'
        },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (killAfterPage !== undefined && out.includes(`page ${killAfterPage}\n`))
        child.kill('SIGKILL')
    })
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed')
      else if (code === 0) resolve('done')
      else reject(new Error(`child pull failed (${code}): ${err}`))
    })
  })
}

/** How often each record appears per action across all the pull runs of the fixture. */
function journal(fixture: PullFixture): Map<string, number> {
  const seen = new Map<string, number>()
  for (const run of fixture.store.runs.list({ kind: 'pull', limit: 100 })) {
    for (const item of fixture.store.runs.items(run.id)) {
      const key = `${item.action}:${item.recordId}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
    }
  }
  return seen
}

async function expectMirrorEqualsSandbox(fixture: PullFixture): Promise<void> {
  const mirror = fixture.store.mirrors.find(fixture.environment.id, 'product')!
  const expected = await sandboxRows(harness, 'products', 'productid', mirror.columns)
  expect(mirrorRows(fixture, 'product')).toEqual(expected)
}

describe('pull: killed mid-way, then run again', () => {
  it('an initial pull killed twice ends with the mirror equal to the sandbox and each row created once', async () => {
    const fixture = pullFixture(harness)
    fixture.release() // the child owns the data folder while it runs
    expect(await childPull(fixture, 4)).toBe('killed')
    expect(await childPull(fixture, 9)).toBe('killed')
    fixture.reopen()
    const final = await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      maxPageSize: 100
    })
    expect(final.mode).toBe('resync')
    await expectMirrorEqualsSandbox(fixture)
    const counts = journal(fixture)
    expect([...counts.values()].every((n) => n === 1)).toBe(true)
    expect([...counts.keys()].filter((k) => k.startsWith('created:')).length).toBe(2400)
    expect(
      fixture.store.runs.list({ kind: 'pull' }).filter((r) => r.status === 'interrupted').length
    ).toBe(2)
    fixture.close()
  })

  it('a delta pull killed mid-way loses no change and reports none twice', async () => {
    const fixture = pullFixture(harness)
    await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      maxPageSize: 1000
    })
    const changed: string[] = []
    for (let i = 1; i <= 300; i++) {
      const key = `PRD-${String(i * 7).padStart(7, '0')}`
      await harness.api('PATCH', `products(productnumber='${key}')`, { body: { price: 5000 + i } })
      changed.push(key)
    }
    for (let i = 1; i <= 150; i++)
      await harness.api('PATCH', `products(productnumber='CRASH-${i}')`, {
        body: { name: `Crash ${i}` }
      })
    for (let i = 1; i <= 100; i++)
      await harness.api(
        'DELETE',
        `products(productnumber='PRD-${String(i * 7 + 1).padStart(7, '0')}')`
      )
    fixture.release()
    expect(await childPull(fixture, 2)).toBe('killed')
    fixture.reopen()
    const final = await fixture.engine.run({
      environment: fixture.environment,
      table: 'product',
      maxPageSize: 100
    })
    expect(final.mode).toBe('delta')
    await expectMirrorEqualsSandbox(fixture)
    const counts = journal(fixture)
    expect([...counts.values()].every((n) => n === 1)).toBe(true)
    expect([...counts.keys()].filter((k) => k.startsWith('updated:')).length).toBe(300)
    expect([...counts.keys()].filter((k) => k.startsWith('deleted:')).length).toBe(100)
    expect([...counts.keys()].filter((k) => k.startsWith('created:')).length).toBe(2400 + 150)
    fixture.close()
  })
})
