import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PushSettings } from '../../../src-shared/schemas/push'
import { TestPlatform } from '../../support/web-bridge-platform'
import { appFixture, type AppFixture } from './app-fixture'

/**
 * The app's side of issue 12, item 5: a plan that would delete or deactivate much of a table is
 * not applied on the confirmation alone — the PlanView says the share, and apply:start refuses
 * unless that share is agreed to — and a plan older than another one of its table says so.
 */
const platform = new TestPlatform()
let f: AppFixture
let environmentId: number
let settings: PushSettings
let csv: string
beforeAll(async () => {
  f = await appFixture({}, { platform })
  environmentId = (await f.call('environments:addSandbox', {})).id
  await f.call('environments:signIn', { id: environmentId })
  // A truncated export: two warehouses of the twelve, missing records to be deactivated.
  csv = join(f.dataDir, 'two-warehouses.csv')
  writeFileSync(csv, 'Code,Capacity\nWH-001,1000\nWH-002,2000\n')
  platform.answerOpen(csv)
  await f.call('sources:pick', {})
  settings = {
    table: 'dvs_warehouse',
    key: { kind: 'primary' },
    mapping: [],
    mode: 'upsert',
    missing: 'delete',
    batchSize: 100,
    strategy: 'auto',
    timeZone: 'UTC',
    decimalSeparator: '.'
  }
})
afterAll(() => f?.close())

describe('applying a plan that removes much of its table', () => {
  it('is refused until the share is agreed to; an older plan says a newer one exists', async () => {
    await f.call('tables:enableTracking', { environmentId, table: 'dvs_warehouse' })
    await f.call('keys:create', {
      environmentId,
      table: 'dvs_warehouse',
      schemaName: 'dvs_CodeKey',
      columns: ['dvs_code']
    })
    for (let i = 0; i < 100; i++) {
      const keys = await f.call('keys:list', { environmentId, table: 'dvs_warehouse' })
      if (keys.some((k) => k.status === 'Active')) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const input = {
      from: 'settings' as const,
      environmentId,
      settings: {
        ...settings,
        key: { kind: 'alternate' as const, name: 'dvs_codekey', columns: ['dvs_code'] },
        mapping: [
          { source: 'Code', target: 'dvs_code' },
          { source: 'Capacity', target: 'dvs_capacity' }
        ]
      },
      source: { file: csv }
    }
    const older = await f.call('plans:create', input)
    const plan = await f.call('plans:create', input)
    expect(plan.counts.delete).toBe(10)
    const view = await f.call('plans:get', { planId: plan.planId })
    expect(view.removals).toEqual({ count: 10, records: 12, percent: 83.3, limitPercent: 10 })
    expect(view.newerPlan).toBeNull()
    const old = await f.call('plans:get', { planId: older.planId })
    expect(old.newerPlan).toMatchObject({ planId: plan.planId, status: 'ready' })

    const refused = await f.fail('apply:start', { planId: plan.planId })
    expect(refused).toMatchObject({ code: 'PRECONDITION' })
    expect(refused.message).toMatch(
      /would delete or deactivate 10 of 12 dvs_warehouse records \(83%\)\. Check the source and its missing-records setting; to go ahead, agree to that share in the Apply dialog\./
    )
    // A share below the plan's is no agreement either.
    await expect(
      f.fail('apply:start', { planId: plan.planId, allowRemovalPercent: 50 })
    ).resolves.toMatchObject({ code: 'PRECONDITION' })
    const started = await f.call('apply:start', { planId: plan.planId, allowRemovalPercent: 84 })
    expect(started.runId).toBeGreaterThan(0)
  })
})
