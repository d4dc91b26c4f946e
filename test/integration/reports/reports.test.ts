import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parse } from 'csv-parse/sync'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, chromiumPrinter, exportRunReport } from '../../../src-main/reports/index'
import { UndoEngine } from '../../../src-main/sync/undo'
import { pushFixture, type PushFixture } from '../../support/push-fixture'
import { startHarness, type Harness } from '../../support/sandbox-harness'
import { FORMULAS, PROFILE, runScenario, SCRIPT_XSS, TABBED, XSS, type Scenario } from './scenario'
import { validateReport } from './schema'

/**
 * Reports of real runs against the sandbox (issue 6): the CSV read back by csv-parse, the JSON
 * validated against its schema, the HTML opened in Chromium, the PDF printed and rendered.
 */

let harness: Harness
let fx: PushFixture
let s: Scenario
let out: string
let browser: Browser | undefined
beforeAll(async () => {
  harness = await startHarness({ accounts: 5, contacts: 20, products: 5 })
  fx = pushFixture(harness)
  s = await runScenario(harness, fx)
  out = mkdtempSync(join(tmpdir(), 'dvsync-reports-'))
})
afterAll(async () => {
  await browser?.close()
  fx?.close()
  await harness?.close()
  rmSync(out, { recursive: true, force: true })
})

const file = (name: string): string => join(out, name)
type Row = Record<string, string>
const csvRows = (path: string): Row[] =>
  parse(readFileSync(path), { bom: true, columns: true, relax_column_count: false }) as Row[]

describe('the run record', () => {
  it('says who, where, when, how, and the counts and figures of every pull, plan and apply', () => {
    const runs = [s.initialPull.runId, s.deltaPull.runId, s.plan.runId, s.apply.runId].map((id) =>
      fx.store.runs.get(id)!
    )
    for (const run of runs) {
      expect(run).toMatchObject({
        status: 'completed',
        environmentName: 'sandbox',
        tableName: 'contact',
        // The sandbox environment signs in as the sandbox's demo app.
        account: 'sandbox demo app',
        startedAt: expect.stringMatching(/^\d{4}-/),
        finishedAt: expect.stringMatching(/^\d{4}-/)
      })
      expect(run.figures['requests'], `requests of run ${run.id}`).toBeGreaterThan(0)
    }
    const [initial, delta, plan, apply] = runs
    expect(initial!.mode).toBe('initial')
    expect(delta!).toMatchObject({ mode: 'delta', counts: { created: 1, updated: 2, deleted: 1 } })
    expect(plan!).toMatchObject({ kind: 'plan', mode: 'upsert', profileName: PROFILE })
    // The plan's own requests, not everything the client sent since it was made.
    expect(plan!.figures['requests']).toBeLessThan(fx.client.metrics.snapshot().requests)
    expect(apply!).toMatchObject({
      kind: 'apply',
      mode: 'upsert',
      profileName: PROFILE,
      counts: { created: 4, updated: 1, failed: 1, conflicts: 1, skipped: 0, unchanged: 0 },
      details: { planId: s.plan.planId }
    })
    for (const name of ['retries', 'throttleWaitMs', 'totalRequestMs', 'maxRequestMs'])
      expect(apply!.figures[name]).toEqual(expect.any(Number))
  })
})

describe('CSV', () => {
  it('has a row per record with outcome, Dataverse’s error and before/after per column; formulas stay text', async () => {
    const result = await exportRunReport(fx.store, s.apply.runId, file('apply.csv'))
    expect(result).toMatchObject({ format: 'csv', records: 7, totalRecords: 7 })
    const rows = csvRows(file('apply.csv'))
    expect(rows).toHaveLength(7)
    expect(Object.keys(rows[0]!)).toEqual([
      'seq',
      'row',
      'location',
      'key',
      'id',
      'action',
      'outcome',
      'error_code',
      'error_message',
      'changed_columns',
      ...['employeeid', 'firstname', 'lastname', 'emailaddress1', 'jobtitle'].flatMap((c) => [
        `${c} before`,
        `${c} after`
      ]),
      'other_changes'
    ])
    const byKey = new Map(rows.map((r) => [r['key'], r]))
    expect(byKey.get('ERP-1')).toMatchObject({
      action: 'create',
      outcome: 'done',
      'lastname after': XSS,
      'jobtitle after': SCRIPT_XSS
    })
    // Every formula-like cell is prefixed with an apostrophe, so a spreadsheet shows it as text.
    expect(byKey.get('ERP-2')).toMatchObject({
      'lastname after': `'${FORMULAS[0]}`,
      'jobtitle after': `'${FORMULAS[1]}`
    })
    expect(byKey.get('ERP-3')).toMatchObject({
      'lastname after': `'${FORMULAS[2]}`,
      'jobtitle after': `'${FORMULAS[3]}`
    })
    expect(byKey.get('ERP-4')!['lastname after']).toBe(`'${TABBED}`)
    for (const row of rows)
      for (const [column, cell] of Object.entries(row))
        expect(cell, `${row['key']} ${column}`).not.toMatch(/^[=+\-@\t\r]/)
    expect(byKey.get(s.failedKey)).toMatchObject({
      action: 'create',
      outcome: 'failed',
      error_code: '0x80060892',
      error_message: expect.stringMatching(/already exists/)
    })
    expect(byKey.get(s.conflictKey)).toMatchObject({
      action: 'update',
      outcome: 'conflict',
      error_message: expect.stringMatching(/changed in Dataverse after the plan/),
      'lastname after': 'Renamed by the ERP'
    })
    const updated = byKey.get('E-00005')!
    expect(updated).toMatchObject({ outcome: 'done', 'lastname after': 'Also renamed' })
    expect(updated['lastname before']).not.toBe('')
    expect(updated['id']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('a pull’s CSV: created, updated (before → after) and deleted records', async () => {
    await exportRunReport(fx.store, s.deltaPull.runId, file('delta.csv'))
    const rows = csvRows(file('delta.csv'))
    expect(rows.map((r) => r['action']).sort()).toEqual([
      'created',
      'deleted',
      'updated',
      'updated'
    ])
    const xss = rows.find((r) => r['key'] === 'E-00001')!
    expect(xss).toMatchObject({
      action: 'updated',
      changed_columns: expect.stringContaining('lastname')
    })
    expect(xss['lastname after']).toBe(XSS)
    expect(xss['lastname before']).not.toBe(XSS)
    expect(rows.find((r) => r['key'] === 'E-00002')!['jobtitle after']).toBe(`'${FORMULAS[0]}`)
    expect(rows.find((r) => r['key'] === 'DV-NEW-1')).toMatchObject({
      action: 'created',
      'lastname after': "'+Made in Dataverse"
    })
    expect(rows.find((r) => r['key'] === 'E-00003')).toMatchObject({
      action: 'deleted',
      'lastname after': ''
    })
  })
})

describe('JSON', () => {
  it('is the complete run, valid against run-report.schema.json, for pulls, plans and applies', async () => {
    for (const [name, runId] of [
      ['initial', s.initialPull.runId],
      ['delta', s.deltaPull.runId],
      ['plan', s.plan.runId],
      ['apply', s.apply.runId]
    ] as const) {
      await exportRunReport(fx.store, runId, file(`${name}.json`))
      const report = JSON.parse(readFileSync(file(`${name}.json`), 'utf8'))
      expect(validateReport(report), `${name}: ${JSON.stringify(validateReport.errors)}`).toBe(true)
      expect(report.version).toBe(1)
      expect(report.records).toHaveLength(report.recordCounts.total)
    }
    const apply = JSON.parse(readFileSync(file('apply.json'), 'utf8'))
    expect(apply.run).toMatchObject({ id: s.apply.runId, kind: 'apply', planId: s.plan.planId })
    expect(apply.counts).toMatchObject({ created: 4, updated: 1, failed: 1, conflicts: 1 })
    expect(apply.recordCounts.byOutcome).toEqual({ done: 5, failed: 1, conflict: 1 })
    const clash = apply.records.find((r: { key: string }) => r.key === s.failedKey)
    expect(clash).toMatchObject({ outcome: 'failed', errorCode: '0x80060892', row: 5 })
    const plan = JSON.parse(readFileSync(file('plan.json'), 'utf8'))
    // A plan's counts say what it proposes: the row without a key can't be applied.
    expect(plan.counts).toMatchObject({ created: 5, updated: 2, failed: 1 })
    expect(plan.records.find((r: { action: string }) => r.action === 'error').errorMessage).toMatch(
      /key column 'Employee' → employeeid is empty/
    )
    const initial = JSON.parse(readFileSync(file('initial.json'), 'utf8'))
    expect(initial.records).toHaveLength(20)
    expect(initial.records[0].after).toMatchObject({ contactid: initial.records[0].id })
    // Nothing secret ever reaches a report: no token, no client secret, no admin key.
    const secrets = [harness.token, harness.sandbox.clientSecret, harness.sandbox.adminKey]
    expect(secrets.every((x) => x.length >= 16)).toBe(true)
    for (const name of ['initial', 'delta', 'plan', 'apply']) {
      const text = readFileSync(file(`${name}.json`), 'utf8')
      for (const secret of secrets) expect(text).not.toContain(secret)
    }
  })
})

describe('HTML', () => {
  it('shows hostile values as text, runs no script but its own, loads nothing, and filters records', async () => {
    await exportRunReport(fx.store, s.apply.runId, file('apply.html'))
    const html = readFileSync(file('apply.html'), 'utf8')
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-/
    )
    expect(html).not.toMatch(/<(img|link|iframe|object|embed)\b/i)
    expect(html).not.toMatch(/<[^>]+\s(src|href)=/i)
    expect(html.match(/<script\b/g)).toHaveLength(1)

    browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
    const page = await browser.newPage()
    const dialogs: string[] = []
    const console: string[] = []
    const requests: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    page.on('console', (m) => console.push(m.text()))
    page.on('pageerror', (e) => console.push(e.message))
    page.on('request', (r) => requests.push(r.url()))
    const url = pathToFileURL(file('apply.html')).href
    await page.goto(url)
    await page.waitForTimeout(300)
    expect(dialogs).toEqual([])
    // No CSP violation either: the page's own style and script are allowed by their hashes.
    expect(console).toEqual([])
    expect(requests).toEqual([url])
    // A string, evaluated in the page (the Node project's types have no DOM).
    const dom = await page.evaluate(`({
      pwned: window.__pwned ?? null,
      images: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      h1Size: getComputedStyle(document.querySelector('h1')).fontSize,
      shown: document.getElementById('shown-count').textContent,
      rows: document.querySelectorAll('#records tbody tr').length
    })`)
    expect(dom).toEqual({ pwned: null, images: 0, scripts: 1, h1Size: '20px', shown: '7', rows: 7 })
    const ada = page.locator('#records tbody tr', { hasText: 'ERP-1' })
    await expect(ada.textContent()).resolves.toContain(XSS)
    await expect(ada.textContent()).resolves.toContain(SCRIPT_XSS)
    await expect(page.locator('#summary').textContent()).resolves.toMatch(/Apply|sandbox demo app/)

    const visible = () => page.locator('#records tbody tr:not([hidden])')
    await page.selectOption('#filter-outcome', 'failed')
    await expect(visible().count()).resolves.toBe(1)
    await expect(visible().first().textContent()).resolves.toContain('0x80060892')
    await page.selectOption('#filter-outcome', '')
    await page.selectOption('#filter-action', 'create')
    await expect(visible().count()).resolves.toBe(5)
    await page.fill('#filter-text', 'renamed by the erp')
    await page.selectOption('#filter-action', '')
    await expect(visible().count()).resolves.toBe(1)
    await expect(visible().first().textContent()).resolves.toContain('conflict')
    await expect(page.locator('#shown-count').textContent()).resolves.toBe('1')
    expect(dialogs).toEqual([])
    await page.close()
  })
})

describe('PDF', () => {
  it('prints the HTML report; its pages render and hold the summary', async () => {
    const pdf = file('apply.pdf')
    const result = await exportRunReport(fx.store, s.apply.runId, pdf, {
      printer: chromiumPrinter({ executablePath: '/usr/bin/chromium' })
    })
    expect(result).toMatchObject({ format: 'pdf', records: 7 })
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
    // Reading order, with a cell's wrapped lines joined again.
    const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ')
    for (const expected of [
      `Apply run ${s.apply.runId} — contact in sandbox`,
      'Summary',
      'sandbox demo app',
      'Records by outcome',
      'Where the time went',
      'ERP-CLASH',
      '0x80060892',
      XSS
    ])
      expect(text).toContain(expected)
    execFileSync('pdftoppm', ['-gray', '-r', '40', '-f', '1', '-l', '1', pdf, file('page')])
    const page = readFileSync(file('page-1.pgm'))
    expect(inkOf(page)).toBeGreaterThan(0.01)
  })
})

describe('undo runs', () => {
  it('report the undo plan they made, under the same schema', async () => {
    const undo = await new UndoEngine({ store: fx.store, client: fx.client }).plan({
      environment: fx.environment,
      runId: s.apply.runId
    })
    await exportRunReport(fx.store, undo.runId, file('undo.json'))
    const report = JSON.parse(readFileSync(file('undo.json'), 'utf8'))
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true)
    expect(report.run).toMatchObject({ kind: 'undo', planId: undo.planId })
    // What the apply created is deleted, what it updated is given its before values back.
    expect(report.counts).toMatchObject({
      deleted: undo.counts.delete,
      updated: undo.counts.update
    })
    expect(report.records).toHaveLength(report.recordCounts.total)
    expect(report.records.length).toBe(
      Object.values(undo.counts).reduce((n: number, c) => n + (c as number), 0)
    )
    await exportRunReport(fx.store, undo.runId, file('undo.csv'))
    expect(csvRows(file('undo.csv'))).toHaveLength(report.records.length)
  })
})

/** The share of non-white pixels of a binary PGM (P5) page image. */
function inkOf(pgm: Buffer): number {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'))!
  const pixels = pgm.subarray(header[0].length)
  let dark = 0
  for (const p of pixels) if (p < 200) dark += 1
  return dark / pixels.length
}
