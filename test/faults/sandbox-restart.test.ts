import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createServices } from '../../src-main/app/services'
import { DataverseClient } from '../../src-main/dataverse/client'
import { AuthenticationError } from '../../src-main/dataverse/errors'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import type { RunningSandbox } from '../../src-main/sandbox/index'
import { openStore, type Store } from '../../src-main/store/open'
import {
  CampaignLog,
  killLeftoverChildren,
  startDvsync,
  type Started
} from '../support/fault-campaign'
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
import type { PullFixture } from '../support/pull-fixture'
import type { ApiOptions, Harness } from '../support/sandbox-harness'
import { sandboxAppToken } from '../support/sandbox-token'

// A sandbox restart mid-run (issue 8): the sandbox runs in its own process (`dvsync sandbox
// --store FILE --port N`), is stopped while a `dvsync pull` or `dvsync apply` works against it,
// and started again on the same file and port — with new signing keys, so every token issued
// before is refused. The run either retries through (one 401, one token refresh) or fails with
// a clear message and exit code 4; the next run completes with nothing lost or written twice.

const log = new CampaignLog(inject('faultPartsDir'), 'sandbox-restart')
const t = PRODUCT

let dir: string
let port: number
let storeFile: string
let sandbox: { proc: Started; url: string; adminKey: string }

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function startSandboxProcess(seed: boolean): Promise<typeof sandbox> {
  const proc = startDvsync([
    'sandbox',
    '--json',
    '--store',
    storeFile,
    '--port',
    String(port),
    '--latency-ms',
    '15',
    ...(seed ? ['--products', '600', '--seed', 'demo'] : [])
  ])
  const line = await proc.waitFor(/^\{.*\}$/m)
  const info = JSON.parse(line[0]) as { url: string; adminKey: string }
  return { proc, url: info.url, adminKey: info.adminKey }
}

/** Stops the sandbox (SIGKILL: a crash; SIGTERM: a clean stop) and starts it again. */
async function restartSandbox(signal: 'SIGKILL' | 'SIGTERM', downMs = 0): Promise<void> {
  sandbox.proc.child.kill(signal)
  await sandbox.proc.exited
  log.fault(`sandbox restart (${signal})`)
  await new Promise((resolve) => setTimeout(resolve, downMs))
  sandbox = await startSandboxProcess(false)
}

/** The sandbox as a test client sees it: requests with the demo app's token. */
async function external(): Promise<Harness> {
  const token = await sandboxAppToken(sandbox.url)
  const url = (path: string): string =>
    /^https?:/.test(path) ? path : `${sandbox.url}/api/data/v9.2/${path}`
  return {
    sandbox: { url: sandbox.url } as RunningSandbox,
    token,
    url,
    close: async () => undefined,
    async api(method: string, path: string, options: ApiOptions = {}) {
      const body = options.body === undefined ? undefined : JSON.stringify(options.body)
      const res = await fetch(url(path), {
        method,
        headers: {
          Accept: 'application/json',
          'OData-MaxVersion': '4.0',
          'OData-Version': '4.0',
          Authorization: `Bearer ${token}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
          ...options.headers
        },
        ...(body ? { body } : {})
      })
      const text = await res.text()
      return {
        status: res.status,
        headers: res.headers,
        text,
        json: text ? JSON.parse(text) : undefined
      }
    }
  }
}

/** How many requests the (restarted) sandbox refused with 401 so far. */
async function refused401(): Promise<number> {
  const res = await fetch(`${sandbox.url}/_sandbox/status`, {
    headers: { 'x-sandbox-admin-key': sandbox.adminKey }
  })
  const status = (await res.json()) as { stats: { byStatus: Record<string, number> } }
  return status.stats.byStatus['401'] ?? 0
}

function dataFolder(): string {
  const data = mkdtempSync(join(dir, 'data-'))
  const store = openStore(data)
  store.environments.add({ name: 'sb', url: sandbox.url, authKind: 'sandbox' })
  store.close()
  return data
}

/** An outcome the user can act on: done, or exit 4 with the reason and no stack trace. */
function expectCleanEnd(run: Started, code: number | null, what: string): void {
  if (code === 0) return
  expect(code, `${what}: ${run.stderr()}`).toBe(4)
  expect(run.stderr()).toMatch(
    /Could not get an answer from http:\/\/127\.0\.0\.1:\d+ for .* after \d+ attempt/
  )
  expect(run.stderr()).not.toMatch(/^\s+at /m)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dvsync-restart-'))
  storeFile = join(dir, 'sandbox.sqlite')
  port = await freePort()
  sandbox = await startSandboxProcess(true)
})
afterAll(async () => {
  killLeftoverChildren()
  log.save()
  if (sandbox?.proc.child.exitCode === null) {
    sandbox.proc.child.kill('SIGTERM')
    await sandbox.proc.exited
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('sandbox restart mid-run', () => {
  it.each([
    ['comes back at once', 0],
    ['stays down longer than the retry budget', 2500]
  ])(
    'a pull whose sandbox crashes and %s retries through or exits 4 cleanly; the next pull completes it',
    async (_, downMs) => {
      const data = dataFolder()
      const args = [
        'pull',
        '--env',
        'sb',
        '--table',
        'product',
        '--page-size',
        '25',
        '--json',
        '--data-dir',
        data
      ]
      const pull = startDvsync(args)
      await pull.waitFor(/product \(initial\): 4 pages/)
      await restartSandbox('SIGKILL', downMs)
      const first = await pull.exited
      if (downMs > 0) expect(first.code, 'a sandbox down for 2.5 s outlasts the retries').toBe(4)
      expectCleanEnd(pull, first.code, 'the pull across the restart')
      // A run that got through crossed the restart holding a token signed with the old keys.
      if (first.code === 0) expect(await refused401()).toBe(1)
      let runs = 1
      for (let code = first.code; code !== 0; runs++) {
        expect(runs).toBeLessThan(4)
        const again = startDvsync(args)
        code = (await again.exited).code
        expectCleanEnd(again, code, 'the pull after the restart')
      }
      const store = openStore(data)
      try {
        const harness = await external()
        const environment = store.environments.byName('sb')!
        const fixture = { store, environment } as PullFixture
        await log.check('mirror equals sandbox', async () =>
          expect(await mirrorDiff(harness, fixture, t)).toEqual([])
        )
        const expected = noChanges()
        for (const id of await sandboxIds(harness, t)) expected.created.add(id)
        await log.check('each change journaled exactly once', () =>
          expect(journalDiff(pullJournal(store, 0), expected)).toEqual([])
        )
        await log.check('database intact', () => expect(integrity(store)).toBe('ok'))
      } finally {
        store.close()
      }
      log.scenario(
        first.code === 0
          ? 'sandbox restart (retried through)'
          : 'sandbox restart (failed cleanly, resumed)'
      )
    }
  )

  it('an apply whose sandbox stops and comes back writes each record once in the end', async () => {
    const data = dataFolder()
    const file = join(data, 'restart.csv')
    const rows = Array.from(
      { length: 300 },
      (_, i) => `RST-${String(i).padStart(4, '0')},Restart ${i},${i + 1}`
    )
    writeFileSync(file, ['Code,Name,Amount', ...rows].join('\n'))
    const planned = startDvsync([
      'plan',
      '--env',
      'sb',
      '--table',
      'product',
      '--source',
      file,
      '--map',
      t.map,
      '--batch',
      '10',
      '--json',
      '--data-dir',
      data
    ])
    expect((await planned.exited).code, planned.stderr()).toBe(0)
    const planId = (JSON.parse(planned.stdout()) as { planId: number }).planId
    const args = [
      'apply',
      '--plan',
      String(planId),
      '--dop',
      '2',
      '--yes',
      '--json',
      '--data-dir',
      data
    ]
    const apply = startDvsync(args)
    await apply.waitFor(/Applied [3-9]\d\/300/)
    await restartSandbox('SIGTERM')
    const first = await apply.exited
    expectCleanEnd(apply, first.code, 'the apply across the restart')
    // Each of the (at most 2) requests in flight is refused once and refreshes its token once.
    if (first.code === 0) expect(await refused401()).toBeLessThanOrEqual(2)
    let runs = 1
    for (let code = first.code; code !== 0; runs++) {
      expect(runs).toBeLessThan(4)
      const again = startDvsync(args)
      code = (await again.exited).code
      expectCleanEnd(again, code, 'the apply after the restart')
    }
    const harness = await external()
    await log.check('each source record once in Dataverse', async () => {
      const { keys, byKey } = await recordsByPrefix(harness, t, 'RST-')
      expect(keys.length).toBe(300)
      expect(new Set(keys).size).toBe(300)
      expect(byKey.get('RST-0299')).toMatchObject({ name: 'Restart 299', price: 300 })
    })
    const store: Store = openStore(data)
    try {
      const seqs = [...store.plans.items(planId, { actions: ['create'] })].map((i) => i.seq)
      await log.check('each change journaled exactly once', () =>
        expect(applyJournalDiff(store, planId, seqs)).toEqual([])
      )
      await log.check('database intact', () => expect(integrity(store)).toBe('ok'))
    } finally {
      store.close()
    }
    log.scenario(
      first.code === 0
        ? 'sandbox restart (retried through)'
        : 'sandbox restart (failed cleanly, resumed)'
    )
  })

  it('a session holding a token from before the restart gets one 401, refreshes its token once, and goes on', async () => {
    const data = dataFolder()
    // The app's own composition root: the sign-in layer (MSAL) holds and refreshes the token.
    const services = createServices({ dataDir: data, log: () => undefined })
    try {
      const environment = services.environment('sb')
      await services.pullEngine(environment).run({ environment, table: 'product' })
      await harnessChange()
      // A token that can't be refreshed (DVSYNC_ACCESS_TOKEN, a token command's old answer).
      const fixed = await sandboxAppToken(sandbox.url)
      await restartSandbox('SIGTERM')
      const delta = await services.pullEngine(environment).run({ environment, table: 'product' })
      expect(delta).toMatchObject({ mode: 'delta', updated: 1 })
      await log.check('one 401, one token refresh', async () => expect(await refused401()).toBe(1))
      const stuck = new DataverseClient({
        environmentUrl: sandbox.url,
        tokens: tokenSourceFrom(async () => fixed)
      })
      const refused = await stuck.transport
        .send({ method: 'GET', url: 'products?$top=1' })
        .catch((err: unknown) => err)
      // Asked once more after a refresh, then the answer stands, said once and clearly.
      expect(refused).toBeInstanceOf(AuthenticationError)
      expect((refused as Error).message).toMatch(
        /did not accept the access token .* even after refreshing it: .*acquire a new token\. Sign in again/
      )
      expect((refused as Error).message).not.toMatch(/\.\./)
      expect(await refused401()).toBe(3)
      const fixture = { store: services.store, environment } as PullFixture
      await log.check('mirror equals sandbox', async () =>
        expect(await mirrorDiff(await external(), fixture, t)).toEqual([])
      )
    } finally {
      services.close()
    }
    log.scenario('sandbox restart (token refresh)')
  })
})

/** One change made in Dataverse while the session is idle. */
async function harnessChange(): Promise<void> {
  const harness = await external()
  const res = await harness.api('PATCH', `products(productnumber='PRD-0000042')`, {
    headers: { 'If-Match': '*' },
    body: { price: 4242 }
  })
  expect(res.status).toBeLessThan(300)
}
