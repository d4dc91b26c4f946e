import type { TrendPoint } from '../history/trend'
import type { RunKind } from '../../src-shared/model/run'
import { COUNT_NAMES, isPlanLike, type CountName, type RunCounts } from '../history/run-summary'
import { duration, esc, int } from './html-format'
import type { RunReportHeader } from './model'

/**
 * The report's charts as inline SVG: no script, no external resource, styled by the page's one
 * stylesheet through classes (the Content-Security-Policy allows no style attributes).
 */

const LABELS: Record<CountName, string> = {
  created: 'Created',
  updated: 'Updated',
  deactivated: 'Deactivated',
  deleted: 'Deleted',
  unchanged: 'Unchanged',
  failed: 'Failed',
  conflicts: 'Conflicts',
  skipped: 'Skipped',
  alreadyApplied: 'Already applied'
}

const PROBLEMS = new Set(['failed', 'conflicts'])

interface Bar {
  label: string
  value: number
  text: string
  cls: string
}

/** A chart with a visible caption (an SVG title is only a tooltip, and is not printed). */
const figure = (title: string, svg: string): string =>
  `<figure><figcaption>${esc(title)}</figcaption>${svg}</figure>`

/** Horizontal bars with a label on the left and the value after the bar. */
function barChart(title: string, bars: Bar[]): string {
  // Two charts side by side fit an A4 landscape page.
  const rowHeight = 22
  const labelWidth = 130
  const barWidth = 240
  const height = bars.length * rowHeight + 8
  const max = Math.max(1, ...bars.map((b) => b.value))
  const rows = bars.map((b, i) => {
    const y = 4 + i * rowHeight
    const w = b.value > 0 ? Math.max(2, Math.round((b.value / max) * barWidth)) : 0
    return (
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" class="label">${esc(b.label)}</text>` +
      `<rect x="${labelWidth}" y="${y + 3}" width="${w}" height="16" rx="2" class="bar ${b.cls}"/>` +
      `<text x="${labelWidth + w + 6}" y="${y + 16}" class="value">${esc(b.text)}</text>`
    )
  })
  return figure(
    title,
    `<svg class="chart" role="img" viewBox="0 0 ${labelWidth + barWidth + 90} ${height}" width="${labelWidth + barWidth + 90}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
      `<title>${esc(title)}</title>${rows.join('')}</svg>`
  )
}

/** The counts that mean something for a kind of run: a pull neither fails records nor skips them. */
const COUNTS_OF: Record<string, readonly CountName[]> = {
  pull: ['created', 'updated', 'deleted', 'unchanged'],
  plan: ['created', 'updated', 'deactivated', 'deleted', 'unchanged', 'skipped', 'failed'],
  undo: ['created', 'updated', 'deactivated', 'deleted', 'unchanged', 'skipped', 'failed']
}

const PLANNED: Partial<Record<CountName, string>> = {
  created: 'To create',
  updated: 'To update',
  deactivated: 'To deactivate',
  deleted: 'To delete',
  failed: "Can't be applied"
}

export function countsChart(counts: RunCounts, kind: string): string {
  const names = (COUNTS_OF[kind] ?? COUNT_NAMES).filter(
    (n) => n !== 'alreadyApplied' || counts[n] > 0
  )
  return barChart(
    kind === 'plan'
      ? 'Records the plan proposes'
      : kind === 'undo'
        ? 'Records the undo plan proposes'
        : 'Records by outcome',
    names.map((n) => ({
      label: (isPlanLike(kind as RunKind) ? PLANNED[n] : undefined) ?? LABELS[n],
      value: counts[n],
      text: int(counts[n]),
      cls: PROBLEMS.has(n) ? 'problem' : n === 'unchanged' || n === 'skipped' ? 'quiet' : 'ok'
    }))
  )
}

export function timingChart(figures: RunReportHeader['figures']): string {
  const bars: Bar[] = [
    { label: 'Run duration', value: figures.durationMs ?? 0, cls: 'ok' },
    { label: 'Time in requests', value: figures.totalRequestMs, cls: 'quiet' },
    { label: 'Throttling waits', value: figures.throttleWaitMs, cls: 'problem' }
  ].map((b) => ({ ...b, text: duration(b.value) }))
  return (
    barChart('Where the time went', bars) +
    `<p class="chart-note">Requests run in parallel, so their summed time can exceed the run's duration. A plan's and an apply's requests include the delta pull that first brings the mirror up to date.</p>`
  )
}

/** Recent runs of the same kind and table: duration bars, records above, this run highlighted. */
export function trendChart(trend: readonly TrendPoint[], currentRunId: number): string {
  if (trend.length < 2) return ''
  const slot = 52
  const plot = 120
  const top = 22
  const width = trend.length * slot + 20
  const height = top + plot + 40
  const max = Math.max(1, ...trend.map((p) => p.durationMs ?? 0))
  const bars = trend.map((p, i) => {
    const h = Math.max(1, Math.round(((p.durationMs ?? 0) / max) * plot))
    const x = 10 + i * slot
    const cls = p.runId === currentRunId ? 'current' : p.problems > 0 ? 'problem' : 'ok'
    return (
      `<rect x="${x + 8}" y="${top + plot - h}" width="${slot - 16}" height="${h}" rx="2" class="bar ${cls}"><title>${esc(`Run ${p.runId}: ${duration(p.durationMs)}, ${int(p.records)} records, ${int(p.problems)} failed or conflicted`)}</title></rect>` +
      `<text x="${x + slot / 2}" y="${top + plot - h - 5}" text-anchor="middle" class="value">${esc(int(p.records))}</text>` +
      `<text x="${x + slot / 2}" y="${top + plot + 16}" text-anchor="middle" class="label">#${esc(p.runId)}</text>` +
      `<text x="${x + slot / 2}" y="${top + plot + 32}" text-anchor="middle" class="small">${esc(duration(p.durationMs))}</text>`
    )
  })
  const title = 'Duration of recent runs (bars) and records per run (numbers)'
  return figure(
    title,
    `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
      `<title>${esc(title)}</title>` +
      `<line x1="10" y1="${top + plot}" x2="${width - 10}" y2="${top + plot}" class="axis"/>${bars.join('')}</svg>`
  )
}
