import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = (require('axe-core') as { source: string }).source

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: unknown[]; html?: string; failureSummary?: string }[]
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now and returns the serious and
 * critical violations; the full result is kept in test-results/a11y/<name>.json. axe is
 * evaluated through the DevTools protocol, so the app's CSP (script-src 'self') stays as it is.
 */
export async function seriousViolations(page: Page, name: string): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis)
  if (!loaded) await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(options: unknown): Promise<unknown> }
      }
    ).axe
    return axe.run({
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
      },
      resultTypes: ['violations']
    })
  })
  // Fluent UI's focus manager (Tabster) puts focusable aria-hidden "dummy inputs" at the edges
  // of focus groups on purpose: a documented false positive of aria-hidden-focus
  // (microsoft/tabster#288; Accessibility Insights suppresses it the same way). Only those nodes
  // are dropped; the rule still applies to everything else.
  const violations = (result as { violations: AxeViolation[] }).violations
    .map((v) =>
      v.id === 'aria-hidden-focus'
        ? { ...v, nodes: v.nodes.filter((n) => !(n.html ?? '').includes('data-tabster-dummy')) }
        : v
    )
    .filter((v) => v.nodes.length > 0)
  const folder = join(process.cwd(), 'test-results', 'a11y')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, `${name}.json`), JSON.stringify(violations, null, 2))
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

/** A readable line per violation, for the assertion message. */
export const describeViolations = (violations: AxeViolation[]): string =>
  violations
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`
    )
    .join('\n')
