import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSandboxAndSignIn, sandboxApi, startE2eApp, type E2eApp } from './harness'

/**
 * A table without change tracking is pulled all the same (issue 12, item 9): the Pulls screen
 * says each pull is a full compare, slower than a delta, and the result names it and says how
 * many rows were read. The demo's dvs_warehouse starts with tracking off.
 */
let app: E2eApp

beforeAll(async () => {
  app = await startE2eApp({ sandbox: { accounts: 4, contacts: 6, products: 5 } })
  await addSandboxAndSignIn(app)
})
afterAll(async () => {
  await app?.close()
})

describe('a table without change tracking in the app', () => {
  it('is pulled by a full compare that says so, and finds a delete by absence', async () => {
    const { page } = app
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Tables' })
      .click()
    await page.getByTestId('table-list').locator('[data-row-key="dvs_warehouse"]').click()
    await page
      .locator('[data-testid="table-details"][data-table="dvs_warehouse"]')
      .getByRole('button', { name: 'Pull…' })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Pulls & changes' }).waitFor()
    await expect(page.getByTestId('full-compare-note').textContent()).resolves.toMatch(
      /Change tracking is off for Warehouse: each pull reads every row and compares it with the mirror/
    )
    await page.getByRole('button', { name: 'Pull (full compare)' }).click()
    const summary = page.getByTestId('pull-summary')
    await summary.waitFor()
    await expect(summary.textContent()).resolves.toMatch(
      /\(full compare, no change tracking\): 12 created, 0 updated, 0 deleted\. Change tracking is off for dvs_warehouse: read all 12 rows and compared them with the mirror/
    )
    await app.capture('pulls-full-compare')

    const got = await sandboxApi(
      app.sandbox(),
      'GET',
      "dvs_warehouses?$select=dvs_warehouseid&$filter=dvs_code eq 'WH-004'"
    )
    const [gone] = ((await got.json()) as { value: { dvs_warehouseid: string }[] }).value
    await sandboxApi(app.sandbox(), 'DELETE', `dvs_warehouses(${gone!.dvs_warehouseid})`)
    await page.getByRole('button', { name: 'Pull (full compare)' }).click()
    await expect
      .poll(() => summary.textContent(), { timeout: 15_000 })
      .toMatch(/0 created, 0 updated, 1 deleted\. Change tracking is off .*read all 11 rows/)
  })
})
