import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunProgress } from '../../../src-shared/schemas/pulls'
import type { PushSettings } from '../../../src-shared/schemas/push'
import { TestPlatform } from '../../support/web-bridge-platform'
import { appFixture, type AppFixture } from './app-fixture'

/**
 * The Profiles, Preview and Runs services through the IPC handlers, the built-in sandbox as
 * Dataverse and a test platform answering the dialogs: a push from a CSV with changed, new,
 * missing and bad rows, its preview, exclusions, apply with pause and resume, the run's report,
 * and its undo.
 */
const platform = new TestPlatform({ print: async () => new TextEncoder().encode('%PDF-1.7 test') })
let f: AppFixture
let environmentId: number
let csv: string
let products: { productnumber: string; name: string; price: number | null }[]
beforeAll(async () => {
  f = await appFixture({}, { platform })
  environmentId = (await f.call('environments:addSandbox', {})).id
  await f.call('environments:signIn', { id: environmentId })
  const sandbox = f.app.sandbox.running()!
  const response = await fetch(
    `${sandbox.apiBase}products?$select=productnumber,name,price&$orderby=productnumber`,
    { headers: { Authorization: `Bearer ${await sandbox.appToken()}`, Accept: 'application/json' } }
  )
  products = ((await response.json()) as { value: typeof products }).value
  // Every product but the last two (missing), the first two changed, one new, one bad price.
  const rows = products.slice(0, -2).map((p, i) => ({
    'Product Number': p.productnumber,
    Name: i < 2 ? `${p.name} (renamed)` : p.name,
    Price: p.price === null ? '' : String(p.price),
    Warehouse: 'north'
  }))
  rows.push({
    'Product Number': 'ERP-NEW-1',
    Name: 'New from the ERP',
    Price: '42',
    Warehouse: 'x'
  })
  rows.push({ 'Product Number': 'ERP-BAD-1', Name: 'Bad price', Price: 'abc', Warehouse: 'x' })
  csv = join(f.dataDir, 'products.csv')
  writeFileSync(csv, stringify(rows, { header: true }))
})
afterAll(() => f?.close())

const progressOf = (runId: number): RunProgress[] =>
  f.events
    .filter((e) => e.event === 'run:progress')
    .map((e) => e.payload as RunProgress)
    .filter((p) => p.runId === runId)

let settings: PushSettings

describe('building a push profile', () => {
  it('reads only a file picked in the dialog, and shows its columns and first rows', async () => {
    await expect(f.fail('sources:inspect', { file: csv })).resolves.toMatchObject({
      code: 'PRECONDITION',
      field: 'source.file'
    })
    await expect(f.call('sources:pick', {})).resolves.toEqual({ file: null })
    platform.answerOpen(csv)
    await expect(f.call('sources:pick', {})).resolves.toEqual({ file: csv })
    const inspected = await f.call('sources:inspect', { file: csv, rows: 5 })
    expect(inspected).toMatchObject({
      format: 'csv',
      columns: ['Product Number', 'Name', 'Price', 'Warehouse'],
      delimiter: ','
    })
    expect(inspected.rows).toHaveLength(5)
    expect(inspected.rows[0]!.values['Name']).toBe(`${products[0]!.name} (renamed)`)
  })

  it('suggests a mapping by name and the key it then fits', async () => {
    const suggestion = await f.call('mapping:suggest', {
      environmentId,
      table: 'product',
      sourceColumns: ['Product Number', 'Name', 'Price', 'Warehouse']
    })
    expect(suggestion.mapping).toEqual([
      { source: 'Product Number', target: 'productnumber' },
      { source: 'Name', target: 'name' },
      { source: 'Price', target: 'price' }
    ])
    expect(suggestion.key).toMatchObject({ kind: 'alternate', columns: ['productnumber'] })
    expect(suggestion.unmatched).toEqual(['Warehouse'])
    settings = {
      table: 'product',
      key: suggestion.key!,
      mapping: suggestion.mapping,
      mode: 'upsert',
      missing: 'deactivate',
      batchSize: 1,
      parallelism: 1,
      strategy: 'auto',
      timeZone: 'UTC',
      decimalSeparator: '.'
    }
  })

  it('names the field of every mapping problem', async () => {
    const { problems } = await f.call('mapping:validate', {
      environmentId,
      table: 'product',
      key: { kind: 'alternate', name: 'productnumberkey', columns: [] },
      mapping: [
        { source: 'Name', target: 'nosuchcolumn' },
        { source: 'Nope', target: 'name' }
      ],
      sourceColumns: ['Product Number', 'Name']
    })
    expect(problems.map((p) => p.field)).toEqual(['mapping.0.target', 'mapping.1.source', 'key'])
  })

  it('saves the profile, refuses a name in use and a bad time zone on their fields', async () => {
    const input = {
      kind: 'push' as const,
      name: 'ERP products',
      environmentId,
      settings,
      source: { file: csv }
    }
    const saved = await f.call('profiles:save', input)
    expect(saved).toMatchObject({ name: 'ERP products', kind: 'push', table: 'product' })
    expect(saved.push).toEqual(settings)
    await expect(f.fail('profiles:save', input)).resolves.toMatchObject({
      code: 'CONFLICT',
      field: 'name'
    })
    await expect(
      f.fail('profiles:save', {
        ...input,
        previousName: input.name,
        settings: { ...settings, timeZone: 'Mars/Olympus' }
      })
    ).resolves.toMatchObject({ code: 'INVALID_INPUT', field: 'settings.timeZone' })
    await expect(
      f.fail('profiles:save', {
        ...input,
        previousName: input.name,
        settings: { ...settings, mapping: [{ source: 'Name', target: 'name' }] }
      })
    ).resolves.toMatchObject({ code: 'INVALID_INPUT', field: 'settings.key' })
    expect((await f.call('profiles:list', {})).map((p) => p.name)).toEqual(['ERP products'])
  })

  it('exports and imports a profile through the dialogs', async () => {
    const file = join(f.dataDir, 'erp.profile.json')
    platform.answerSave(file)
    await expect(f.call('profiles:export', { name: 'ERP products' })).resolves.toEqual({ file })
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
      version: 1,
      kind: 'push',
      table: 'product',
      settings: { environment: 'sandbox', source: { file: csv } }
    })
    platform.answerOpen(file)
    const imported = await f.call('profiles:import', { name: 'ERP copy' })
    expect(imported.profile).toMatchObject({ name: 'ERP copy', push: settings })
    await f.call('profiles:remove', { name: 'ERP copy' })
  })
})

let planId: number
describe('the preview', () => {
  it('plans from the profile with progress', async () => {
    const created = await f.call('plans:create', { from: 'profile', profile: 'ERP products' })
    planId = created.planId
    expect(created.counts).toMatchObject({ create: 1, update: 2, deactivate: 2, error: 1 })
    expect(created.unmapped).toEqual(['Warehouse'])
    expect(progressOf(created.runId).at(-1)).toMatchObject({ kind: 'plan', state: 'completed' })
    const plan = await f.call('plans:get', { planId })
    expect(plan).toMatchObject({
      kind: 'push',
      environmentName: 'sandbox',
      profileName: 'ERP products',
      status: 'ready',
      counts: { create: 1, update: 2, deactivate: 2, error: 1 },
      excluded: { create: 0, update: 0 }
    })
  })

  it('pages items by action and text, with from → to per changed column', async () => {
    const updates = await f.call('plans:items', {
      planId,
      actions: ['update'],
      offset: 0,
      limit: 10
    })
    expect(updates.total).toBe(2)
    expect(updates.items[0]!.changes).toEqual([
      { column: 'name', from: products[0]!.name, to: `${products[0]!.name} (renamed)` }
    ])
    const errors = await f.call('plans:items', { planId, actions: ['error'], offset: 0, limit: 10 })
    expect(errors.items[0]!.error).toMatch(/abc/)
    const found = await f.call('plans:items', {
      planId,
      actions: ['create', 'update', 'unchanged'],
      search: 'ERP-NEW',
      offset: 0,
      limit: 10
    })
    expect(found.items.map((i) => i.key)).toEqual(['ERP-NEW-1'])
  })

  it('excludes a row and counts it', async () => {
    const [deactivation] = (
      await f.call('plans:items', { planId, actions: ['deactivate'], offset: 0, limit: 1 })
    ).items
    await expect(
      f.call('plans:exclude', { planId, seqs: [deactivation!.seq], excluded: true })
    ).resolves.toEqual({ changed: 1 })
    expect((await f.call('plans:get', { planId })).excluded.deactivate).toBe(1)
  })

  it('exports the plan where the save dialog says, and nothing when it is cancelled', async () => {
    const file = join(f.dataDir, 'plan.csv')
    platform.answerSave(file)
    await expect(f.call('plans:export', { planId, format: 'csv' })).resolves.toMatchObject({
      file
    })
    expect(readFileSync(file, 'utf8')).toContain('ERP-NEW-1')
    await expect(f.call('plans:export', { planId, format: 'json' })).resolves.toEqual({
      file: null,
      items: 0
    })
  })
})

let applyRunId: number
describe('apply and runs', () => {
  it('applies with progress, pauses, resumes, and records the run', async () => {
    const sandbox = f.app.sandbox.running()!
    sandbox.controls.faults.configure({ latencyMs: 150 })
    try {
      applyRunId = (await f.call('apply:start', { planId })).runId
      await expect(f.call('apply:pause', { runId: applyRunId })).resolves.toEqual({ paused: true })
      const paused = progressOf(applyRunId).at(-1)!
      expect(paused).toMatchObject({ paused: true, total: 4 })
      await expect(f.call('apply:active', {})).resolves.toHaveLength(1)
      await expect(f.fail('apply:start', { planId })).resolves.toMatchObject({ code: 'CONFLICT' })
      await f.call('apply:resume', { runId: applyRunId })
    } finally {
      sandbox.controls.faults.configure({ latencyMs: 0 })
    }
    await expect
      .poll(() => progressOf(applyRunId).at(-1)?.state, { timeout: 15_000 })
      .toBe('completed')
    expect(progressOf(applyRunId).at(-1)).toMatchObject({
      done: 4,
      total: 4,
      counts: { created: 1, updated: 2, deactivated: 1, skipped: 1 }
    })
    const run = await f.call('runs:get', { runId: applyRunId })
    expect(run).toMatchObject({
      kind: 'apply',
      state: 'completed',
      canUndo: true,
      itemsIn: 'journal',
      // Its delta pull of the table is part of it (issue 12, item 8), not a pull of its own.
      parts: [{ table: 'product', mode: 'delta' }]
    })
    expect(
      (await f.call('pulls:list', { environmentId, table: 'product' })).map((p) => p.runId)
    ).not.toContain(run.parts[0]!.runId)
    const items = await f.call('runs:items', {
      runId: applyRunId,
      actions: ['update'],
      offset: 0,
      limit: 10
    })
    expect(items.total).toBe(2)
    expect(items.items[0]!.columns.find((c) => c.column === 'name')).toMatchObject({
      changed: true,
      after: `${products[0]!.name} (renamed)`
    })
    await expect(f.fail('apply:start', { planId })).resolves.toMatchObject({
      code: 'PRECONDITION'
    })
  })

  it('lists, charts and exports the run', async () => {
    const applies = await f.call('runs:list', { kind: 'apply', environmentId })
    expect(applies.map((r) => r.runId)).toEqual([applyRunId])
    expect(applies[0]).toMatchObject({ profileName: 'ERP products', records: 5, problems: 0 })
    const trend = await f.call('runs:trend', { environmentId })
    expect(trend.at(-1)).toMatchObject({ runId: applyRunId, created: 1, updated: 2 })
    for (const format of ['html', 'pdf'] as const) {
      const file = join(f.dataDir, `report.${format}`)
      platform.answerSave(file)
      const report = await f.call('runs:report', { runId: applyRunId, format })
      expect(report).toMatchObject({ file, format, totalRecords: 5 })
      expect(existsSync(file)).toBe(true)
    }
    expect(readFileSync(join(f.dataDir, 'report.pdf'), 'latin1')).toMatch(/^%PDF/)
  })

  it('plans the undo, applies it, and the records are as they were', async () => {
    const undo = await f.call('undo:plan', { runId: applyRunId })
    expect(undo.counts).toMatchObject({ delete: 1, update: 3 })
    const plan = await f.call('plans:get', { planId: undo.planId })
    expect(plan).toMatchObject({ kind: 'undo', undoes: applyRunId })
    const { runId } = await f.call('apply:start', { planId: undo.planId })
    await expect.poll(() => progressOf(runId).at(-1)?.state, { timeout: 15_000 }).toBe('completed')
    // Planned again, the same file proposes what it did before the apply: all was reverted.
    const again = await f.call('plans:create', { from: 'profile', profile: 'ERP products' })
    expect(again.counts).toMatchObject({ create: 1, update: 2, deactivate: 2, error: 1 })
    expect((await f.call('runs:get', { runId: applyRunId })).undoneBy).toEqual([undo.runId])
    const first = (await f.call('plans:get', { planId })).runId!
    const compared = await f.call('runs:compare', { a: first, b: again.runId })
    // The same records with the same changes; only the exclusion of the first plan differs.
    expect(compared.records).toMatchObject({ onlyInA: 0, onlyInB: 0, different: 1 })
  })

  it('prunes nothing on a dry run of young runs', async () => {
    await expect(f.call('runs:prune', { olderThanDays: 30, dryRun: true })).resolves.toMatchObject({
      dryRun: true,
      runs: []
    })
    await expect(f.fail('runs:prune', { dryRun: true })).resolves.toMatchObject({
      code: 'INVALID_INPUT'
    })
  })
})
