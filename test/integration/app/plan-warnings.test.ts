import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PushSettings } from '../../../src-shared/schemas/push'
import { TestPlatform } from '../../support/web-bridge-platform'
import { appFixture, type AppFixture } from './app-fixture'

/**
 * Empty source cells through the app's IPC (issue 12, item 1): the rules saved with a push
 * profile read back as saved, a blank column changes nothing by default, a column set to clear
 * is planned as cleared with a warning that the Preview shows (plans:create, plans:get and
 * plans:list all carry it, read from the plan run), and the profile's clear rule makes the
 * required name a row error.
 */
const platform = new TestPlatform()
let f: AppFixture
let environmentId: number
let csv: string
let priced: number
let settings: PushSettings
beforeAll(async () => {
  f = await appFixture({}, { platform })
  environmentId = (await f.call('environments:addSandbox', {})).id
  await f.call('environments:signIn', { id: environmentId })
  const sandbox = f.app.sandbox.running()!
  const response = await fetch(
    `${sandbox.apiBase}products?$select=productnumber,price&$orderby=productnumber`,
    { headers: { Authorization: `Bearer ${await sandbox.appToken()}`, Accept: 'application/json' } }
  )
  const products = (
    (await response.json()) as { value: { productnumber: string; price: number | null }[] }
  ).value
  priced = products.filter((p) => p.price !== null).length
  // An ERP export whose Name and Price columns came out blank.
  csv = join(f.dataDir, 'blank-columns.csv')
  writeFileSync(
    csv,
    stringify(
      products.map((p) => ({ 'Product Number': p.productnumber, Name: '', Price: ' ' })),
      { header: true }
    )
  )
  // The app reads only files the admin picked in its open dialog.
  platform.answerOpen(csv)
  await f.call('sources:pick', {})
  settings = {
    table: 'product',
    key: { kind: 'alternate', name: 'productnumberkey', columns: ['productnumber'] },
    mapping: [
      { source: 'Product Number', target: 'productnumber' },
      { source: 'Name', target: 'name' },
      { source: 'Price', target: 'price' }
    ],
    mode: 'update',
    missing: 'ignore',
    batchSize: 100,
    strategy: 'auto',
    timeZone: 'UTC',
    decimalSeparator: '.'
  }
})
afterAll(() => f?.close())

const save = async (push: PushSettings): Promise<void> => {
  const saved = await f.call('profiles:save', {
    kind: 'push',
    name: 'Blank ERP',
    ...((await f.call('profiles:list', {})).length ? { previousName: 'Blank ERP' } : {}),
    environmentId,
    settings: push,
    source: { file: csv }
  })
  expect(saved.push).toEqual(push)
}

describe('empty source cells in the preview', () => {
  it('change nothing by default, and the plan has no warnings', async () => {
    await save(settings)
    const created = await f.call('plans:create', { from: 'profile', profile: 'Blank ERP' })
    expect(created.counts).toMatchObject({ update: 0, error: 0 })
    expect(created.warnings).toEqual([])
    expect((await f.call('plans:get', { planId: created.planId })).warnings).toEqual([])
  })

  it('a column set to clear is planned as cleared, with a warning in the PlanView', async () => {
    expect(priced).toBeGreaterThan(10)
    await save({
      ...settings,
      mapping: settings.mapping.map((m) => (m.target === 'price' ? { ...m, empty: 'clear' } : m))
    })
    const created = await f.call('plans:create', { from: 'profile', profile: 'Blank ERP' })
    expect(created.counts).toMatchObject({ update: priced, error: 0 })
    expect(created.warnings).toHaveLength(1)
    expect(created.warnings[0]).toMatch(
      new RegExp(`would clear price in ${priced} of \\d+ rows \\(\\d+%\\).*"ignore"`)
    )
    const plan = await f.call('plans:get', { planId: created.planId })
    expect(plan.warnings).toEqual(created.warnings)
    const listed = await f.call('plans:list', { environmentId })
    expect(listed.find((p) => p.planId === created.planId)!.warnings).toEqual(created.warnings)
    // The name was left alone: only the price changes.
    const page = await f.call('plans:items', {
      planId: created.planId,
      actions: ['update'],
      offset: 0,
      limit: 5
    })
    for (const item of page.items) expect(item.changes.map((c) => c.column)).toEqual(['price'])
  })

  it('a threshold of 100% silences the warning; the plan is the same', async () => {
    await save({
      ...settings,
      clearWarningPercent: 100,
      mapping: settings.mapping.map((m) => (m.target === 'price' ? { ...m, empty: 'clear' } : m))
    })
    const created = await f.call('plans:create', { from: 'profile', profile: 'Blank ERP' })
    expect(created.counts).toMatchObject({ update: priced })
    expect((await f.call('plans:get', { planId: created.planId })).warnings).toEqual([])
  })

  it('the profile set to clear makes the required name a row error', async () => {
    await save({ ...settings, emptyValues: 'clear' })
    const created = await f.call('plans:create', { from: 'profile', profile: 'Blank ERP' })
    expect(created.counts.error).toBeGreaterThan(0)
    const errors = await f.call('plans:items', {
      planId: created.planId,
      actions: ['error'],
      offset: 0,
      limit: 1
    })
    expect(errors.items[0]!.error).toMatch(/name/)
  })
})
