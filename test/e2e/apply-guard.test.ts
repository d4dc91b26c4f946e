import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSandboxAndSignIn, startE2eApp, type E2eApp } from './harness'

/**
 * The Apply dialog's guards (issue 12, item 5, the app's side): a plan that would delete most of
 * its table needs a yes to that share besides the confirmation, and an older plan of a table
 * says that a newer one exists. The plans are made through the same services the Profiles
 * screen uses; what is judged here is what the admin sees and can click.
 */
let app: E2eApp
let older: number
let newer: number

beforeAll(async () => {
  app = await startE2eApp({ sandbox: { accounts: 2, contacts: 2, products: 2 } })
  await addSandboxAndSignIn(app)
  const services = app.bridge.app
  const [environment] = services.services.store.environments.list()
  const environmentId = environment!.id
  await services.tables.enableTracking(environmentId, 'dvs_warehouse')
  await services.tables.createKey({
    environmentId,
    table: 'dvs_warehouse',
    schemaName: 'dvs_CodeKey',
    columns: ['dvs_code']
  })
  for (let i = 0; i < 100; i++) {
    if (
      (await services.tables.keys(environmentId, 'dvs_warehouse')).some(
        (k) => k.status === 'Active'
      )
    )
      break
    await new Promise((r) => setTimeout(r, 200))
  }
  // A truncated export: two warehouses of twelve, records missing from it to be deleted.
  const csv = join(mkdtempSync(join(tmpdir(), 'dvsync-e2e-')), 'two-warehouses.csv')
  writeFileSync(csv, 'Code,Capacity\nWH-001,1000\nWH-002,2000\n')
  app.bridge.platform.answerOpen(csv)
  await services.sources.pick()
  const input = {
    from: 'settings' as const,
    environmentId,
    settings: {
      table: 'dvs_warehouse',
      key: { kind: 'alternate' as const, name: 'dvs_codekey', columns: ['dvs_code'] },
      mapping: [
        { source: 'Code', target: 'dvs_code' },
        { source: 'Capacity', target: 'dvs_capacity' }
      ],
      mode: 'upsert' as const,
      missing: 'delete' as const,
      batchSize: 100,
      strategy: 'auto' as const,
      timeZone: 'UTC',
      decimalSeparator: '.' as const
    },
    source: { file: csv }
  }
  older = (await services.plans.create(input)).planId
  newer = (await services.plans.create(input)).planId
})
afterAll(async () => {
  await app?.close()
})

const openPlan = async (planId: number) => {
  const { page } = app
  const nav = page.getByRole('navigation', { name: 'Main' })
  // Preview opened from another screen shows the list of plans, not the plan last open.
  await nav.getByRole('button', { name: 'Runs' }).click()
  await nav.getByRole('button', { name: 'Preview' }).click()
  await page.getByTestId('plan-list').locator(`[role="row"][data-row-key="${planId}"]`).click()
  await page.getByTestId('plan-header').waitFor()
  await page.getByTestId('apply-plan').click()
  return page.getByRole('dialog', { name: 'Apply to dvs_warehouse in sandbox?' })
}

describe('the Apply dialog', () => {
  it('an older plan says a newer one exists', async () => {
    const dialog = await openPlan(older)
    await expect(dialog.getByTestId('apply-newer-plan').textContent()).resolves.toMatch(
      new RegExp(
        `^Plan ${newer} of dvs_warehouse is newer \\(made .*, ready\\): this plan shows the records as they were`
      )
    )
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  it('deleting 10 of 12 records needs a yes to that share before Apply is enabled', async () => {
    const dialog = await openPlan(newer)
    expect(await dialog.getByTestId('apply-newer-plan').count()).toBe(0)
    const agree = dialog.getByRole('checkbox', {
      name: /Yes, delete or deactivate 10 of the 12 dvs_warehouse records \(83%, more than the 10% a push may remove without this\)\./
    })
    await agree.waitFor()
    const apply = dialog.getByRole('button', { name: /^Apply \d+ changes$/ })
    await expect(apply.isDisabled()).resolves.toBe(true)
    for (const [width, height] of [
      [1366, 768],
      [1920, 1080]
    ] as const) {
      await app.page.setViewportSize({ width, height })
      await app.capture(`apply-guard-${width}`)
    }
    await agree.check()
    await expect(apply.isDisabled()).resolves.toBe(false)
    await apply.click()
    const details = app.page.locator('[data-testid="run-details"][data-state="completed"]')
    await details.waitFor({ timeout: 20_000 })
    // The apply's delta pull is shown as part of it (issue 12, item 8).
    await expect(details.getByTestId('run-parts').textContent()).resolves.toMatch(
      /^First brought the mirror up to date: dvs_warehouse \(delta, pull \d+\): nothing changed\.$/
    )
  })
})
