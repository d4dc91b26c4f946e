import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addSandboxAndSignIn, startE2eApp, type E2eApp } from './harness'

/**
 * A 100,000-item plan in the Preview, in Chromium: the grid keeps a bounded number of rows in
 * the DOM, scrolls with frame times measured in the page, and the last row is reached with the
 * keyboard (End) and excluded with Space. The plan is made by the real planner from a real CSV
 * of 100,000 new products; the figures are printed and kept in test-results/preview-scale.json.
 */
const ROWS = 100_000
let app: E2eApp
let files: string
let planId: number
let planMs: number

beforeAll(async () => {
  app = await startE2eApp({ sandbox: { products: 20 } })
  files = mkdtempSync(join(tmpdir(), 'dvsync-e2e-scale-'))
  await addSandboxAndSignIn(app)
  const csv = join(files, 'bulk.csv')
  const out = createWriteStream(csv)
  out.write('Product Number,Name,Price\n')
  for (let i = 1; i <= ROWS; i++) {
    const id = String(i).padStart(6, '0')
    if (!out.write(`BULK-${id},Bulk product ${id},${(i % 997) + 0.5}\n`)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  app.bridge.platform.answerOpen(csv)
  const { file } = await app.bridge.app.sources.pick()
  const environmentId = app.bridge.app.services.store.environments.list()[0]!.id
  const started = performance.now()
  const plan = await app.bridge.app.plans.create({
    from: 'settings',
    environmentId,
    source: { file: file! },
    settings: {
      table: 'product',
      key: { kind: 'alternate', name: 'productnumberkey', columns: ['productnumber'] },
      mapping: [
        { source: 'Product Number', target: 'productnumber' },
        { source: 'Name', target: 'name' },
        { source: 'Price', target: 'price' }
      ],
      mode: 'upsert',
      missing: 'ignore',
      batchSize: 100,
      strategy: 'auto',
      timeZone: 'UTC',
      decimalSeparator: '.'
    }
  })
  planMs = Math.round(performance.now() - started)
  planId = plan.planId
  expect(plan.counts.create).toBe(ROWS)
}, 120_000)
afterAll(async () => {
  await app?.close()
  if (files) rmSync(files, { recursive: true, force: true })
})

/** What of the page the measurement uses (the tests compile without the DOM library). */
interface GridElement {
  scrollTop: number
  querySelectorAll(selector: string): { length: number }
}
type Raf = (callback: (now: number) => void) => number
const isFocused = (row: unknown): boolean =>
  row === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement

interface Frames {
  frames: number
  medianMs: number
  p95Ms: number
  longFrames: number
  maxRows: number
  scrolledTo: number
}

describe('a 100,000-row plan in the Preview', () => {
  it('scrolls smoothly with a bounded DOM, and the last row is reachable by keyboard', async () => {
    const { page } = app
    await page.goto(`${app.bridge.url}#/preview?plan=${planId}`)
    await page.getByRole('tab', { name: 'Creates (100,000)', exact: true }).waitFor()
    const grid = page.getByTestId('plan-grid')
    await grid.locator('[role="row"][data-row-key]').first().waitFor()
    await expect(grid.getAttribute('aria-rowcount')).resolves.toBe(String(ROWS + 1))

    // Scroll the grid down continuously for about 1.5 s, one step per frame, recording how
    // long each frame took and how many rows were in the DOM at most.
    const frames: Frames = await grid.evaluate(
      (element: GridElement) =>
        new Promise<Frames>((resolve) => {
          const raf = (globalThis as unknown as { requestAnimationFrame: Raf })
            .requestAnimationFrame
          const deltas: number[] = []
          let maxRows = 0
          let last = performance.now()
          const end = last + 1500
          const step = (now: number): void => {
            deltas.push(now - last)
            last = now
            maxRows = Math.max(maxRows, element.querySelectorAll('[role="row"]').length)
            element.scrollTop += 2400
            if (now < end) raf(step)
            else {
              const sorted = [...deltas].sort((a, b) => a - b)
              resolve({
                frames: deltas.length,
                medianMs: sorted[Math.floor(sorted.length / 2)]!,
                p95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
                longFrames: deltas.filter((d) => d > 50).length,
                maxRows,
                scrolledTo: element.scrollTop
              })
            }
          }
          raf(step)
        })
    )
    // Only the rows in view (and a few either side) are ever in the DOM.
    expect(frames.maxRows).toBeLessThan(80)
    expect(frames.scrolledTo).toBeGreaterThan(100_000)
    // Headless Chromium on two busy cores: a generous bound, the figures are printed below.
    expect(frames.medianMs).toBeLessThan(50)

    // Keyboard: the first row, then End: the last of the 100,000, its page read on demand.
    await grid.evaluate((element: GridElement) => (element.scrollTop = 0))
    await grid.locator('[role="row"][data-index="0"]').focus()
    const pressed = performance.now()
    await page.keyboard.press('End')
    const lastRow = grid.locator(`[role="row"][data-index="${ROWS - 1}"]`)
    await lastRow.getByText('BULK-100000').waitFor()
    const endMs = Math.round(performance.now() - pressed)
    // Focus follows the key after the grid renders the row: wait for it, don't race it.
    await expect.poll(() => lastRow.evaluate(isFocused)).toBe(true)
    await expect(lastRow.getAttribute('aria-rowindex')).resolves.toBe(String(ROWS + 1))
    await page.keyboard.press('ArrowUp')
    const nearEnd = grid.locator(`[role="row"][data-index="${ROWS - 2}"]`)
    await expect.poll(() => nearEnd.evaluate(isFocused)).toBe(true)
    // Space excludes the row in focus; the tab's count says so.
    const toggled = performance.now()
    await page.keyboard.press('Space')
    await page.getByRole('tab', { name: 'Creates (100,000, 1 excluded)', exact: true }).waitFor()
    const excludeMs = Math.round(performance.now() - toggled)
    await expect(nearEnd.getByTestId('exclude').isChecked()).resolves.toBe(true)
    expect(await grid.locator('[role="row"]').count()).toBeLessThan(80)
    await app.capture('preview-100k')

    const figures = { rows: ROWS, planMs, ...frames, endMs, excludeMs }
    console.log(`100,000-row preview: ${JSON.stringify(figures)}`)
    const { writeFileSync, mkdirSync } = await import('node:fs')
    mkdirSync('test-results', { recursive: true })
    writeFileSync('test-results/preview-scale.json', `${JSON.stringify(figures, null, 2)}\n`)
  })
})
