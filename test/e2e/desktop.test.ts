import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSecrets } from '../support/secret-scan'
import { sandboxApi, startE2eApp, type E2eApp } from './harness'

/**
 * The desktop app end to end, as an admin uses it: the real renderer in Chromium, the real
 * services and data folder behind the web bridge, the built-in sandbox as Dataverse. One story
 * in order (each step needs the one before), a screenshot and an accessibility check per screen.
 */
let app: E2eApp
let deltaRunId: number
beforeAll(async () => {
  app = await startE2eApp()
})
afterAll(async () => {
  await app?.close()
})

const nav = (name: string) =>
  app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name })

describe('the desktop app', () => {
  it('starts with no environment and offers the built-in sandbox', async () => {
    const { page } = app
    await expect(
      page.getByRole('heading', { level: 1, name: 'Environments' }).isVisible()
    ).resolves.toBe(true)
    await page.getByText('No environments yet').waitFor()
    // Every screen is on the map and usable, the sync ones included.
    for (const screen of ['profiles', 'preview', 'runs'])
      await expect(page.getByTestId(`nav-${screen}`).isEnabled()).resolves.toBe(true)
    await app.capture('environments-empty')
  })

  it('shows a wrong URL on its field and adds nothing', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Add environment' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add environment' })
    await dialog.getByLabel('Name').fill('contoso')
    await dialog.getByLabel('Environment URL').fill('http://contoso.crm.dynamics.com')
    await dialog.getByRole('button', { name: 'Add', exact: true }).click()
    await dialog.getByText('must use https').waitFor()
    await app.capture('add-environment-error')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await dialog.waitFor({ state: 'hidden' })
  })

  it('adds the one-click sandbox and signs in on the sandbox’s own sign-in page', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Add the built-in sandbox' }).click()
    const signIn = await app.browser.signInPages.next()
    await signIn.getByRole('radio', { name: /maker@sandbox\.local/ }).check()
    await signIn.getByRole('button', { name: 'Sign in' }).click()
    await signIn.getByRole('heading', { name: 'Signed in' }).waitFor()
    await signIn.close()
    const card = page.getByTestId('environment-sandbox')
    await card.getByText('Signed in as maker@sandbox.local').waitFor()
    await card.getByRole('button', { name: 'Test connection' }).click()
    await card.getByTestId('connection-ok').waitFor()
    await expect(card.getByTestId('connection-ok').textContent()).resolves.toContain(
      'Dataverse keeps changes for 7 days'
    )
    await app.capture('environments')
  })

  it('browses the tables with the keyboard, searches them and opens one', async () => {
    const { page } = app
    await nav('Tables').click()
    const list = page.getByTestId('table-list')
    await list.locator('[data-row-key="account"]').waitFor()
    expect(await list.locator('[role="row"][data-row-key]').count()).toBe(4)
    // Tab into the grid, arrow down, Enter opens the next table.
    await list.locator('[data-row-key="account"]').focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid="table-details"][data-table="contact"]').waitFor()
    await page.getByRole('searchbox', { name: 'Search tables' }).fill('ware')
    await list.locator('[data-row-key="dvs_warehouse"]').waitFor()
    expect(await list.locator('[role="row"][data-row-key]').count()).toBe(1)
    await list.locator('[data-row-key="dvs_warehouse"]').click()
    const details = page.locator('[data-testid="table-details"][data-table="dvs_warehouse"]')
    await details.locator('[data-tracking="off"]').waitFor()
    await details.getByTestId('columns-grid').locator('[data-row-key="dvs_code"]').waitFor()
    await app.capture('tables')
  })

  it('enables change tracking on the table that lacks it', async () => {
    const { page } = app
    const details = page.getByTestId('table-details')
    await details.getByRole('button', { name: 'Enable change tracking' }).click()
    const confirm = page.getByRole('dialog', { name: /Enable change tracking/ })
    await confirm.getByText('cannot be turned off again').waitFor()
    await confirm.getByRole('button', { name: 'Enable', exact: true }).click()
    await details.locator('[data-tracking="on"]').waitFor()
    await page
      .getByTestId('table-list')
      .locator('[data-row-key="dvs_warehouse"] [data-tracking="on"]')
      .waitFor()
  })

  it('creates an alternate key and watches its index become Active', async () => {
    const { page } = app
    await page.getByRole('button', { name: 'Create key…' }).click()
    const dialog = page.getByRole('dialog', { name: /Create an alternate key/ })
    await dialog.getByRole('combobox', { name: 'Columns' }).click()
    await dialog.getByRole('menuitemcheckbox', { name: 'dvs_code' }).click()
    await page.keyboard.press('Escape')
    await expect(dialog.getByLabel('Schema name').inputValue()).resolves.toBe('dvs_CodeKey')
    await dialog.getByRole('button', { name: 'Create key' }).click()
    await dialog.waitFor({ state: 'hidden' })
    const key = page.getByTestId('key-dvs_CodeKey')
    await key.locator('[data-key-status="Pending"], [data-key-status="InProgress"]').waitFor()
    await page.getByText('Dataverse is building an index').waitFor()
    await key.locator('[data-key-status="Active"]').waitFor({ timeout: 15_000 })
    await app.capture('tables-key-active')
  })

  it('runs a first pull with progress', async () => {
    const { page } = app
    await page.getByTestId('table-details').getByRole('button', { name: 'Pull…' }).click()
    await page.getByRole('heading', { level: 1, name: 'Pulls & changes' }).waitFor()
    // Slow answers, so the progress is there to see (and to check) before the pull ends.
    app.sandbox().controls.faults.configure({ latencyMs: 700 })
    await page.getByRole('button', { name: 'Pull', exact: true }).click()
    await page.getByTestId('pull-progress').waitFor()
    await app.capture('pulls-progress')
    app.sandbox().controls.faults.configure({ latencyMs: 0 })
    await page.getByTestId('pull-summary').waitFor()
    await expect(page.getByTestId('pull-summary').textContent()).resolves.toMatch(
      /12 created, 0 updated, 0 deleted/
    )
    expect(
      app.traffic.some(
        (t) => t.channel === 'run:progress' && (t.data as { state: string }).state === 'running'
      )
    ).toBe(true)
    await page.getByTestId('changes-grid').locator('[role="row"][data-row-key]').first().waitFor()
    await expect(page.getByTestId('filter-created').textContent()).resolves.toContain('(12)')
  })

  it('cancels a pull that is under way', async () => {
    const { page } = app
    app.sandbox().controls.faults.configure({ latencyMs: 1500 })
    await page.getByRole('button', { name: 'Full resync' }).click()
    await page.getByRole('button', { name: 'Cancel' }).click()
    app.sandbox().controls.faults.configure({ latencyMs: 0 })
    await page
      .locator('[data-testid="pull-runner"][data-pull-state="cancelled"]')
      .waitFor({ timeout: 20_000 })
    await page.getByText('Pull cancelled').waitFor()
  })

  it('pulls again after records changed and shows the delta with before and after', async () => {
    const { page } = app
    const sandbox = app.sandbox()
    const rows = (await (
      await sandboxApi(
        sandbox,
        'GET',
        'dvs_warehouses?$select=dvs_warehouseid,dvs_code&$orderby=dvs_code'
      )
    ).json()) as { value: { dvs_warehouseid: string; dvs_code: string }[] }
    const [first, second] = rows.value
    await sandboxApi(sandbox, 'PATCH', `dvs_warehouses(${first!.dvs_warehouseid})`, {
      dvs_capacity: 123456,
      dvs_city: 'Reykjavík'
    })
    await sandboxApi(sandbox, 'DELETE', `dvs_warehouses(${second!.dvs_warehouseid})`)
    await sandboxApi(sandbox, 'POST', 'dvs_warehouses', {
      dvs_name: 'Nairobi warehouse',
      dvs_code: 'WH-100',
      dvs_city: 'Nairobi',
      dvs_capacity: 5000
    })
    await page.getByRole('button', { name: 'Pull changes' }).click()
    await page.locator('[data-testid="pull-runner"][data-pull-state="completed"]').waitFor()
    await expect(page.getByTestId('pull-summary').textContent()).resolves.toMatch(
      /1 created, 1 updated, 1 deleted/
    )
    const grid = page.getByTestId('changes-grid')
    await page
      .locator('[data-testid="changes-view"]')
      .getByText(/\(delta\)/)
      .waitFor()
    await expect.poll(() => grid.locator('[role="row"][data-row-key]').count()).toBe(3)
    deltaRunId = Number(await page.getByTestId('changes-view').getAttribute('data-run-id'))

    // Filters: only the updated record, then only deletes.
    await page.getByTestId('filter-created').click()
    await page.getByTestId('filter-deleted').click()
    await expect(page.getByTestId('filter-updated').getAttribute('aria-pressed')).resolves.toBe(
      'true'
    )
    await expect
      .poll(() => grid.locator('[role="row"][data-row-key]').count(), { timeout: 10_000 })
      .toBe(1)
    await grid.locator('[role="row"][data-row-key]').first().click()
    const detail = page.getByTestId('change-detail')
    await detail.getByRole('heading', { name: /Updated: .*warehouse/ }).waitFor()
    const capacity = detail.locator('[data-column="dvs_capacity"]')
    await expect(capacity.getAttribute('data-changed')).resolves.toBe('true')
    await expect(capacity.getByTestId('after').textContent()).resolves.toBe('123456')
    await expect(
      detail.locator('[data-column="dvs_city"]').getByTestId('after').textContent()
    ).resolves.toBe('Reykjavík')
    // Only the changed columns by default; all of them on request.
    await expect(detail.locator('[data-changed="false"]').count()).resolves.toBe(0)
    await detail.getByRole('switch', { name: 'Only changed columns' }).click()
    await detail.locator('[data-column="dvs_code"][data-changed="false"]').waitFor()
    await app.capture('pulls-delta')

    await page.getByTestId('filter-updated').click()
    await page.getByTestId('filter-deleted').click()
    await expect
      .poll(() => grid.locator('[role="row"][data-row-key]').count(), { timeout: 10_000 })
      .toBe(1)
    await grid.locator('[role="row"][data-row-key]').first().click()
    await detail
      .locator('[data-action="deleted"]')
      .or(page.locator('[data-testid="change-detail"][data-action="deleted"]'))
      .waitFor()
  })

  it('exports the delta as CSV for the system on the other side', async () => {
    const { page } = app
    const dir = mkdtempSync(join(tmpdir(), 'dvsync-e2e-changes-'))
    const file = join(dir, 'warehouse-changes.csv')
    app.bridge.platform.answerSave(file)
    await page.getByTestId('export-changes').click()
    await page.getByRole('menuitem', { name: /^CSV/ }).click()
    await page
      .getByTestId('changes-written')
      .getByText(`Wrote 3 changes as CSV to ${file}.`)
      .waitFor()
    const rows = parse(readFileSync(file, 'utf8'), { columns: true, bom: true }) as Record<
      string,
      string
    >[]
    expect(rows.map((r) => r['change']).sort()).toEqual(['created', 'deleted', 'updated'])
    expect(rows.find((r) => r['change'] === 'updated')).toMatchObject({ dvs_capacity: '123456' })
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs a saved pull profile from the Profiles screen; the Pulls screen follows it', async () => {
    const { page } = app
    const sandbox = app.sandbox()
    await sandboxApi(sandbox, 'POST', 'dvs_warehouses', {
      dvs_name: 'Lima warehouse',
      dvs_code: 'WH-101',
      dvs_city: 'Lima',
      dvs_capacity: 700
    })
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Profiles' })
      .click()
    await page.getByRole('button', { name: 'New pull profile' }).click()
    const editor = page.getByTestId('profile-editor')
    await editor.getByLabel('Name').fill('Nightly warehouses')
    await editor.getByTestId('profile-table-picker').click()
    await page.getByRole('option', { name: 'Warehouse (dvs_warehouse)' }).click()
    await editor.getByRole('button', { name: 'Save profile' }).click()
    await page.getByTestId('profile-list').locator('[data-row-key="Nightly warehouses"]').waitFor()
    await page.getByTestId('pull-profile').click()
    await page.getByRole('heading', { level: 1, name: 'Pulls & changes' }).waitFor()
    await page.locator('[data-testid="pull-runner"][data-pull-state="completed"]').waitFor()
    await expect(page.getByTestId('pull-summary').textContent()).resolves.toMatch(
      /1 created, 0 updated, 0 deleted/
    )
    // Filed under the profile, as `dvsync runs --profile` would find it.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: 'Runs' })
      .click()
    await page
      .getByTestId('run-history')
      .getByRole('row')
      .filter({ hasText: 'Nightly warehouses' })
      .filter({ hasText: 'dvs_warehouse' })
      .first()
      .waitFor()
  })

  it('compares the profile’s pull with the delta before it, record by record', async () => {
    const { page } = app
    await page
      .getByTestId('run-history')
      .getByRole('row')
      .filter({ hasText: 'Nightly warehouses' })
      .first()
      .click()
    const details = page.getByTestId('run-details')
    await details.getByRole('button', { name: 'Compare…' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByRole('combobox').click()
    // The delta pull before it: 1 created, 1 updated, 1 deleted; this one created 1.
    await page.getByRole('option', { name: new RegExp(`^Run ${deltaRunId},`) }).click()
    const records = dialog.getByTestId('compare-records')
    await expect
      .poll(() => records.locator('[role="row"][data-row-key]').count(), { timeout: 10_000 })
      .toBe(4)
    await expect(
      records.getByRole('row').filter({ hasText: 'WH-101' }).textContent()
    ).resolves.toMatch(/only in run \d+.*created/)
    await expect(
      records.getByRole('row').filter({ hasText: 'WH-100' }).textContent()
    ).resolves.toMatch(/only in run \d+.*created/)
    await app.capture('runs-compare')
    await dialog.getByRole('button', { name: 'Close' }).click()
  })

  it('switches to the dark theme and stays accessible', async () => {
    const { page } = app
    await page.getByTestId('theme-switch').click()
    await page.getByRole('menuitemradio', { name: 'Dark' }).click()
    await page.locator('[data-theme="dark"]').waitFor()
    await app.capture('pulls-dark')
    await nav('Tables').click()
    await page.getByTestId('table-details').waitFor()
    await app.capture('tables-dark')
    await nav('Environments').click()
    await app.capture('environments-dark')
  })

  it('never sent a token or a secret to the page', () => {
    const known = [app.sandbox().clientSecret]
    const found = app.traffic.flatMap((t) => findSecrets(t.data, known, t.channel))
    expect(found).toEqual([])
    expect(app.traffic.length).toBeGreaterThan(20)
  })
})
