import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunProgress } from '../../../src-shared/schemas/pulls'
import { TestPlatform } from '../../support/web-bridge-platform'
import { appFixture, type AppFixture } from './app-fixture'

/** Tables, keys, tracking and pulls through the IPC handlers, the built-in sandbox as Dataverse. */
let f: AppFixture
/** Answers the save dialog of exports; nothing here prints. */
const platform = new TestPlatform({ print: () => Promise.reject(new Error('no printing here')) })
let environmentId: number
beforeAll(async () => {
  f = await appFixture({}, { platform })
  environmentId = (await f.call('environments:addSandbox', {})).id
  await f.call('environments:signIn', { id: environmentId })
})
afterAll(() => f?.close())

const progressOf = (runId: number): RunProgress[] =>
  f.events
    .filter((e) => e.event === 'run:progress')
    .map((e) => e.payload as RunProgress)
    .filter((p) => p.runId === runId)

const api = async (method: string, path: string, body?: unknown): Promise<Response> => {
  const sandbox = f.app.sandbox.running()!
  const response = await fetch(`${sandbox.apiBase}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await sandbox.appToken()}`,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    },
    ...(body ? { body: JSON.stringify(body) } : {})
  })
  expect(response.ok, await response.clone().text()).toBe(true)
  return response
}

describe('tables', () => {
  it('lists the tables with tracking state, keys and no mirror yet', async () => {
    const tables = await f.call('tables:list', { environmentId })
    expect(tables.map((t) => t.logicalName)).toEqual([
      'account',
      'contact',
      'dvs_warehouse',
      'product'
    ])
    const warehouse = tables.find((t) => t.logicalName === 'dvs_warehouse')!
    expect(warehouse).toMatchObject({
      changeTrackingEnabled: false,
      canChangeTrackingBeEnabled: true,
      keys: [],
      mirror: null
    })
  })

  it('pulls a table without tracking by a full compare that says so, then enables tracking once', async () => {
    const { runId } = await f.call('pulls:start', { environmentId, table: 'dvs_warehouse' })
    await expect.poll(() => progressOf(runId).at(-1)?.state).toBe('completed')
    expect(progressOf(runId).at(-1)).toMatchObject({
      mode: 'compare',
      counts: { created: 12, updated: 0, deleted: 0 },
      message:
        'Change tracking is off for dvs_warehouse: read all 12 rows and compared them with the mirror (slower than a delta; turn on tracking with: dvsync tracking enable --env sandbox --table dvs_warehouse, to pull only changes).'
    })
    const [run] = await f.call('pulls:list', { environmentId, table: 'dvs_warehouse' })
    expect(run).toMatchObject({ runId, mode: 'compare', state: 'completed', created: 12 })
    await expect(
      f.call('tables:enableTracking', { environmentId, table: 'DVS_Warehouse' })
    ).resolves.toEqual({ table: 'dvs_warehouse', changed: true })
    await expect(
      f.call('tables:enableTracking', { environmentId, table: 'dvs_warehouse' })
    ).resolves.toEqual({ table: 'dvs_warehouse', changed: false })
  })

  it('creates a key whose status goes from Pending to Active', async () => {
    const key = await f.call('keys:create', {
      environmentId,
      table: 'dvs_warehouse',
      schemaName: 'dvs_CodeKey',
      columns: ['dvs_code']
    })
    expect(key).toMatchObject({ schemaName: 'dvs_CodeKey', columns: ['dvs_code'] })
    expect(['Pending', 'InProgress']).toContain(key.status)
    await expect
      .poll(
        async () =>
          (await f.call('keys:list', { environmentId, table: 'dvs_warehouse' }))[0]?.status,
        {
          timeout: 10_000,
          interval: 100
        }
      )
      .toBe('Active')
    const details = await f.call('tables:get', { environmentId, table: 'dvs_warehouse' })
    expect(details.columns.find((c) => c.logicalName === 'dvs_code')).toMatchObject({
      type: 'String',
      maxLength: 20
    })
  })
})

describe('pulls', () => {
  let initial: number

  it('pulls a table, reporting progress and then the result', async () => {
    const { runId } = await f.call('pulls:start', { environmentId, table: 'product' })
    initial = runId
    await expect.poll(() => progressOf(runId).at(-1)?.state).toBe('completed')
    const last = progressOf(runId).at(-1)!
    expect(last).toMatchObject({ kind: 'pull', mode: 'initial', done: 120, table: 'product' })
    expect(last.counts).toMatchObject({ created: 120, updated: 0, deleted: 0 })
    const [run] = await f.call('pulls:list', { environmentId, table: 'product' })
    expect(run).toMatchObject({ runId, state: 'completed', created: 120 })
    const tables = await f.call('tables:list', { environmentId })
    expect(tables.find((t) => t.logicalName === 'product')!.mirror).toMatchObject({
      rowCount: 120,
      tracking: true
    })
  })

  it('pages, filters and searches a pull’s changes', async () => {
    const first = await f.call('pulls:changes', { runId: initial, offset: 0, limit: 50 })
    expect(first).toMatchObject({ total: 120, counts: { created: 120, updated: 0, deleted: 0 } })
    expect(first.items).toHaveLength(50)
    const third = await f.call('pulls:changes', { runId: initial, offset: 100, limit: 50 })
    expect(third.items).toHaveLength(20)
    expect(third.items[0]!.seq).toBeGreaterThan(first.items.at(-1)!.seq)
    const none = await f.call('pulls:changes', {
      runId: initial,
      actions: ['deleted'],
      offset: 0,
      limit: 50
    })
    expect(none.total).toBe(0)
    const found = await f.call('pulls:changes', {
      runId: initial,
      search: 'PRD-0000042',
      nameColumn: 'name',
      offset: 0,
      limit: 50
    })
    expect(found.total).toBe(1)
    expect(found.items[0]).toMatchObject({ action: 'created', recordKey: 'PRD-0000042' })
    expect(found.items[0]!.name).toMatch(/ 42$/)
    // A search for LIKE's own wildcards finds them literally, not everything.
    const wild = await f.call('pulls:changes', { runId: initial, search: '%', offset: 0, limit: 5 })
    expect(wild.total).toBe(0)
  })

  it('pulls only the changes the next time, with before and after per column', async () => {
    const rows = (await (await api('GET', 'products?$select=productid&$top=2')).json()) as {
      value: { productid: string }[]
    }
    await api('PATCH', `products(${rows.value[0]!.productid})`, { price: 9.99 })
    await api('DELETE', `products(${rows.value[1]!.productid})`)
    const { runId } = await f.call('pulls:start', { environmentId, table: 'product' })
    await expect.poll(() => progressOf(runId).at(-1)?.state).toBe('completed')
    const page = await f.call('pulls:changes', { runId, offset: 0, limit: 10 })
    expect(page).toMatchObject({ mode: 'delta', counts: { created: 0, updated: 1, deleted: 1 } })
    const updated = page.items.find((i) => i.action === 'updated')!
    expect(updated.changedColumns).toContain('price')
    expect(updated.columns.find((c) => c.column === 'price')).toMatchObject({
      after: 9.99,
      changed: true
    })
    const deleted = page.items.find((i) => i.action === 'deleted')!
    expect(deleted.columns.every((c) => c.after === null)).toBe(true)
    expect(f.events).toContainEqual({
      event: 'data:changed',
      payload: { entities: ['pulls', 'changes', 'runs', 'tables'], environmentId }
    })
    const runs = await f.call('runs:list', { kind: 'pull' })
    expect(runs.map((r) => r.runId)).toContain(runId)
  })

  it('exports a pull’s changes where the admin says, in the format chosen', async () => {
    const [delta] = await f.call('pulls:list', { environmentId, table: 'product', limit: 1 })
    const dir = mkdtempSync(join(tmpdir(), 'dvsync-changes-'))
    try {
      // A name without the extension gets the chosen format's.
      platform.answerSave(join(dir, 'nightly'))
      const written = await f.call('pulls:export', { runId: delta!.runId, format: 'ndjson' })
      expect(written).toEqual({ file: join(dir, 'nightly.ndjson'), format: 'ndjson', records: 2 })
      const lines = readFileSync(written.file!, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines.map((l) => l.change).sort()).toEqual(['deleted', 'updated'])
      expect(lines.find((l) => l.change === 'updated')).toMatchObject({
        values: { price: 9.99 },
        changedColumns: expect.arrayContaining(['price'])
      })
      expect(platform.asked.at(-1)?.options).toMatchObject({
        defaultName: `pull-${delta!.runId}-product-changes.ndjson`
      })
      // The admin closes the dialog: nothing written, nothing wrong.
      platform.answerSave(undefined)
      await expect(f.call('pulls:export', { runId: delta!.runId, format: 'csv' })).resolves.toEqual(
        { file: null, format: 'csv', records: 0 }
      )
      // A folder that can't be written is said so, with what to do.
      platform.answerSave(join(dir, 'missing-folder', 'changes.csv'))
      await expect(
        f.fail('pulls:export', { runId: delta!.runId, format: 'csv' })
      ).resolves.toMatchObject({
        code: 'PRECONDITION',
        message: expect.stringMatching(/Choose another folder/)
      })
      await expect(f.fail('pulls:export', { runId: 99_999, format: 'csv' })).resolves.toMatchObject(
        {
          code: 'NOT_FOUND'
        }
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses a second pull of the same table while one runs, and cancels', async () => {
    const sandbox = f.app.sandbox.running()!
    sandbox.controls.faults.configure({ latencyMs: 400 })
    try {
      // The second start is refused while the first waits for its first (slow) page.
      const started = f.call('pulls:start', { environmentId, table: 'product', full: true })
      await expect(
        f.fail('pulls:start', { environmentId, table: 'product' })
      ).resolves.toMatchObject({ code: 'CONFLICT' })
      await expect(f.call('pulls:cancel', { environmentId, table: 'product' })).resolves.toEqual({
        cancelled: true
      })
      const { runId } = await started
      await expect
        .poll(() => progressOf(runId).at(-1)?.state, { timeout: 10_000 })
        .toBe('cancelled')
      const [run] = await f.call('pulls:list', { environmentId, table: 'product', limit: 1 })
      expect(run).toMatchObject({ runId, state: 'cancelled' })
      await expect(f.call('pulls:active', {})).resolves.toEqual([])
    } finally {
      sandbox.controls.faults.configure({ latencyMs: 0 })
    }
  })

  it('runs a saved pull profile: its columns, filed under its name; refuses it for another table', async () => {
    await f.call('profiles:save', {
      kind: 'pull',
      name: 'Account names',
      environmentId,
      table: 'account',
      columns: ['name', 'accountnumber']
    })
    const { runId } = await f.call('pulls:start', {
      environmentId,
      table: 'account',
      profile: 'Account names'
    })
    await expect.poll(() => progressOf(runId).at(-1)?.state).toBe('completed')
    const [run] = await f.call('runs:list', { kind: 'pull', profile: 'Account names' })
    expect(run).toMatchObject({ runId, profileName: 'Account names', table: 'account' })
    const page = await f.call('pulls:changes', { runId, offset: 0, limit: 1 })
    // Only the profile's columns travel, with the primary id every row carries.
    expect(page.items[0]!.columns.map((c) => c.column).sort()).toEqual([
      'accountid',
      'accountnumber',
      'name'
    ])
    await expect(
      f.fail('pulls:start', { environmentId, table: 'product', profile: 'Account names' })
    ).resolves.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/pulls account/) })
    await expect(
      f.fail('pulls:start', { environmentId, table: 'account', profile: 'No such profile' })
    ).resolves.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('answers NOT_FOUND for changes of a run that is not a pull', async () => {
    await expect(
      f.fail('pulls:changes', { runId: 99_999, offset: 0, limit: 10 })
    ).resolves.toMatchObject({ code: 'NOT_FOUND' })
  })
})
