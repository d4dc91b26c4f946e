import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findSecrets } from '../support/secret-scan'
import { addSandboxAndSignIn, sandboxApi, startE2eApp, type E2eApp } from './harness'

/**
 * The push story end to end, as an admin does it: a push profile built from a CSV (picked in the
 * open dialog, which the web bridge answers with the file the test wrote), its preview with
 * diffs and an exclusion, the apply confirmed and watched (paused, resumed), the run's report
 * exported as HTML and PDF (save dialog, Chromium printer), and its undo previewed and applied.
 * Each screen is captured and checked with axe, in light and dark.
 */
let app: E2eApp
let files: string
let csv: string
type Product = { productid: string; productnumber: string; name: string; price: number | null }
let products: Product[]

beforeAll(async () => {
  app = await startE2eApp({ sandbox: { products: 40 } })
  files = mkdtempSync(join(tmpdir(), 'dvsync-e2e-files-'))
  await addSandboxAndSignIn(app)
  const response = await sandboxApi(
    app.sandbox(),
    'GET',
    'products?$select=productid,productnumber,name,price&$orderby=productnumber'
  )
  products = ((await response.json()) as { value: Product[] }).value
  // The ERP's file: every product but the last two (missing), the first two renamed (changed),
  // one the table doesn't have (new) and one whose price is no number (bad).
  const rows = products.slice(0, -2).map((p, i) => ({
    'Product Number': p.productnumber,
    Name: i < 2 ? `${p.name} (ERP)` : p.name,
    Price: p.price === null ? '' : String(p.price)
  }))
  rows.splice(3, 0, { 'Product Number': 'ERP-NEW-1', Name: 'New from the ERP', Price: '42' })
  rows.splice(5, 0, { 'Product Number': 'ERP-BAD-1', Name: 'Bad price', Price: 'twelve' })
  csv = join(files, 'erp-products.csv')
  writeFileSync(csv, stringify(rows, { header: true }))
})
afterAll(async () => {
  await app?.close()
  if (files) rmSync(files, { recursive: true, force: true })
})

const nav = (name: string) =>
  app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name })

/** A tab of the Preview by its whole name, e.g. 'Updates (2)' (counts included). */
const tab = (name: string) => app.page.getByRole('tab', { name, exact: true })

const product = async (number: string): Promise<Record<string, unknown> | undefined> => {
  const r = await fetch(
    `${app.sandbox().apiBase}products(productnumber='${number}')?$select=name,statecode`,
    {
      headers: {
        Authorization: `Bearer ${await app.sandbox().appToken()}`,
        Accept: 'application/json'
      }
    }
  )
  return r.status === 200 ? ((await r.json()) as Record<string, unknown>) : undefined
}

describe('pushing a CSV into a table', () => {
  it('builds a push profile from the file: preview of its rows, suggested mapping, the key', async () => {
    const { page } = app
    await nav('Profiles').click()
    await page.getByRole('heading', { level: 1, name: 'Profiles' }).waitFor()
    await page.getByText('No profiles yet').waitFor()
    await page.getByRole('button', { name: 'New push profile' }).click()
    const editor = page.getByTestId('profile-editor')
    await editor.getByLabel('Name').fill('ERP products')
    await editor.getByTestId('profile-table-picker').click()
    await page.getByRole('option', { name: 'Product (product)' }).click()
    app.bridge.platform.answerOpen(csv)
    await editor.getByRole('button', { name: 'Browse…' }).click()
    await expect.poll(() => editor.getByTestId('source-file').inputValue()).toBe(csv)
    const preview = editor.getByTestId('source-preview')
    await preview.getByText(`${products[0]!.name} (ERP)`).waitFor()
    await preview.getByText('twelve').waitFor()
    // The mapping is suggested by name, with each column's type.
    const mapping = editor.getByTestId('mapping-editor')
    await mapping.getByTestId('mapping-row-2').waitFor()
    await expect(
      mapping.getByRole('combobox', { name: 'Table column for Product Number' }).inputValue()
    ).resolves.toMatch(/productnumber/)
    await expect(
      mapping.getByRole('combobox', { name: 'Table column for Price' }).inputValue()
    ).resolves.toMatch(/price/)
    await mapping.getByText('Money').waitFor()
    // The key: only Active keys can be chosen.
    await editor.getByTestId('key-picker').click()
    await page.getByRole('option', { name: /Product number \(productnumber\)/ }).click()
    await expect(editor.getByTestId('key-picker').textContent()).resolves.toMatch(/productnumber/)
    // Records no row matches are deactivated; one record per request, so progress shows.
    await editor.getByRole('combobox', { name: 'Records missing from the source' }).click()
    await page.getByRole('option', { name: 'Deactivate them' }).click()
    await editor.getByLabel('Batch size').fill('1')
    await editor.getByLabel('Parallel requests').fill('1')
    await app.capture('profiles-editor')
  })

  it('shows what is wrong on its field, then saves', async () => {
    const { page } = app
    const editor = page.getByTestId('profile-editor')
    await editor.getByLabel('Time zone').fill('Mars/Olympus')
    await editor.getByRole('button', { name: 'Save profile' }).click()
    await editor.getByText("'Mars/Olympus' is not a time zone").waitFor()
    await editor.getByLabel('Time zone').fill('Europe/Paris')
    await editor.getByRole('button', { name: 'Save profile' }).click()
    await page.getByTestId('profile-list').locator('[data-row-key="ERP products"]').waitFor()
    await page.getByRole('heading', { name: 'Push profile ERP products' }).waitFor()
    await app.capture('profiles')
  })

  it('previews the push with diffs, and an exclusion changes the counts', async () => {
    const { page } = app
    await page.getByTestId('preview-profile').click()
    await page.getByRole('heading', { level: 1, name: 'Preview' }).waitFor()
    const header = page.getByTestId('plan-header')
    await header.getByText('product in sandbox').waitFor()
    await tab('Creates (1)').waitFor()
    await tab('Updates (2)').waitFor()
    await tab('Deactivates & deletes (2)').waitFor()
    await tab('Errors (1)').waitFor()
    // Updates: the changed column from → to.
    await page.getByTestId('tab-updates').click()
    const grid = page.getByTestId('plan-grid')
    await grid.locator('[role="row"][data-row-key]').first().click()
    const detail = page.getByTestId('plan-item-detail')
    const name = detail.locator('[data-column="name"]')
    await expect(name.getByTestId('from').textContent()).resolves.toBe(products[0]!.name)
    await expect(name.getByTestId('to').textContent()).resolves.toBe(`${products[0]!.name} (ERP)`)
    await app.capture('preview')
    // Errors: the bad row and why.
    await page.getByTestId('tab-errors').click()
    await grid.getByText(/twelve/).waitFor()
    // Deactivations: exclude one with the keyboard (Space on the row).
    await page.getByTestId('tab-removals').click()
    await grid.locator('[role="row"][data-row-key]').first().focus()
    await page.keyboard.press('Space')
    await tab('Deactivates & deletes (2, 1 excluded)').waitFor()
    await expect(grid.getByTestId('exclude').first().isChecked()).resolves.toBe(true)
  })

  it('applies after a confirmation that states the counts and the environment, with progress', async () => {
    const { page } = app
    await page.getByTestId('apply-plan').click()
    const dialog = page.getByRole('dialog', { name: 'Apply to product in sandbox?' })
    const summary = dialog.getByTestId('apply-summary')
    await summary.getByText('1 to create').waitFor()
    await summary.getByText('2 to update').waitFor()
    await summary.getByText('1 to deactivate').waitFor()
    await summary.getByText('1 row excluded').waitFor()
    await app.capture('preview-apply-confirm')
    // Slow answers, so the progress (one record per request) is there to watch.
    app.sandbox().controls.faults.configure({ latencyMs: 400 })
    try {
      await dialog.getByRole('button', { name: 'Apply 4 changes' }).click()
      await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor()
      const progress = page.getByTestId('run-details').getByTestId('apply-progress')
      await progress.getByText(/of 4 records/).waitFor()
      await progress.getByRole('button', { name: 'Pause' }).click()
      await page.locator('[data-testid="apply-progress"][data-state="paused"]').waitFor()
      await progress.getByText('Paused').waitFor()
      await app.capture('runs-progress')
      await progress.getByRole('button', { name: 'Resume' }).click()
    } finally {
      app.sandbox().controls.faults.configure({ latencyMs: 0 })
    }
    await page
      .locator('[data-testid="run-details"][data-state="completed"]')
      .waitFor({ timeout: 20_000 })
    expect(await product('ERP-NEW-1')).toMatchObject({ name: 'New from the ERP' })
    expect(await product(products[0]!.productnumber)).toMatchObject({
      name: `${products[0]!.name} (ERP)`
    })
    const events = app.traffic.filter(
      (t) => t.channel === 'run:progress' && (t.data as { kind: string }).kind === 'apply'
    )
    expect(events.some((e) => (e.data as { paused?: boolean }).paused)).toBe(true)
    expect(events.at(-1)!.data).toMatchObject({ state: 'completed', done: 4, total: 4 })
  })

  it('opens the run and exports its report as HTML and PDF', async () => {
    const { page } = app
    const details = page.getByTestId('run-details')
    await details.getByTestId('run-items').locator('[role="row"][data-row-key]').first().waitFor()
    for (const format of ['html', 'pdf'] as const) {
      const file = join(files, `report.${format}`)
      app.bridge.platform.answerSave(file)
      await details.getByTestId(`report-${format}`).click()
      await details
        .getByTestId('report-written')
        .getByText(`Wrote the ${format.toUpperCase()} report to ${file}`)
        .waitFor({ timeout: 30_000 })
      expect(existsSync(file)).toBe(true)
    }
    expect(readFileSync(join(files, 'report.html'), 'utf8')).toContain('ERP-NEW-1')
    const pdf = readFileSync(join(files, 'report.pdf'), 'latin1')
    expect(pdf.startsWith('%PDF')).toBe(true)
    expect(pdf.match(/\/Type\s*\/Page[^s]/g)?.length ?? 0).toBeGreaterThan(0)
    await app.capture('runs')
  })

  it('undoes the apply: its plan previewed, applied, and the records are back', async () => {
    const { page } = app
    await page.getByTestId('undo-run').click()
    const dialog = page.getByRole('dialog', { name: /Undo apply run/ })
    await dialog.getByRole('button', { name: 'Plan the undo' }).click()
    await page
      .getByTestId('plan-header')
      .getByText(/Undo of run \d+/)
      .waitFor()
    await tab('Updates (3)').waitFor()
    await tab('Deactivates & deletes (1)').waitFor()
    await page.getByTestId('apply-plan').click()
    const confirm = page.getByRole('dialog', { name: 'Apply to product in sandbox?' })
    await confirm.getByRole('button', { name: 'Apply 4 changes' }).click()
    await page
      .locator('[data-testid="run-details"][data-state="completed"]')
      .waitFor({ timeout: 20_000 })
    expect(await product('ERP-NEW-1')).toBeUndefined()
    expect(await product(products[0]!.productnumber)).toMatchObject({ name: products[0]!.name })
    expect(await product(products.at(-1)!.productnumber)).toMatchObject({ statecode: 0 })
    await page.getByTestId('run-history').locator('[role="row"][data-row-key]').first().waitFor()
    await page.getByTestId('chart-records').waitFor()
  })

  it('stays accessible in the dark theme', async () => {
    const { page } = app
    await page.getByTestId('theme-switch').click()
    await page.getByRole('menuitemradio', { name: 'Dark' }).click()
    await page.locator('[data-theme="dark"]').waitFor()
    await app.capture('runs-dark')
    await nav('Preview').click()
    await page.getByTestId('plan-list').waitFor()
    await page.getByTestId('plan-list').locator('[role="row"][data-row-key]').last().click()
    await page.getByTestId('plan-header').waitFor()
    await page.getByTestId('tab-updates').click()
    await page.getByTestId('plan-grid').locator('[role="row"][data-row-key]').first().click()
    await page.getByTestId('plan-item-detail').waitFor()
    await app.capture('preview-dark')
    await nav('Profiles').click()
    await page.getByTestId('profile-list').locator('[data-row-key="ERP products"]').click()
    await page.getByTestId('source-preview').waitFor()
    await app.capture('profiles-dark')
  })

  it('never sent a token or a secret to the page', () => {
    const found = app.traffic.flatMap((t) =>
      findSecrets(t.data, [app.sandbox().clientSecret], t.channel)
    )
    expect(found).toEqual([])
  })
})
