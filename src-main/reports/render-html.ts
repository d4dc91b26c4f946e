import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { CONTENT_SECURITY_POLICY, SCRIPT, STYLE } from './html-assets'
import { countsChart, timingChart, trendChart } from './html-charts'
import { bytes, duration, esc, int, shown, when } from './html-format'
import type { ReportRecord, RunReport, RunReportHeader } from './model'

export interface HtmlOptions {
  /**
   * Records in the page (default 2,000): the first ones in order, then those that failed or
   * conflicted after them, up to as many again. A page of 100,000 rows helps nobody; the CSV
   * and JSON reports have every record, and the page says so.
   */
  maxRecords?: number
  onRecord?: (n: number) => void
}

export const DEFAULT_HTML_RECORDS = 2000

const KIND: Record<string, string> = {
  pull: 'Pull',
  plan: 'Plan',
  apply: 'Apply',
  undo: 'Undo'
}

/** A class name from a value: letters, digits and dashes only. */
const cls = (value: string | null): string => (value ?? 'none').replace(/[^A-Za-z0-9-]/g, '')

const facts = (rows: [string, string][]): string =>
  `<table class="facts">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`

function summary(h: RunReportHeader): string {
  const r = h.run
  const f = h.figures
  const average = f.requests ? f.totalRequestMs / f.requests : 0
  const run: [string, string][] = [
    ['Run', `${r.id} (${r.kind}${r.mode ? `, ${r.mode}` : ''})`],
    ['Status', r.status],
    ['Environment', r.environment ?? '—'],
    ['Table', r.table ?? '—'],
    ['Profile', r.profile ?? '—'],
    ['Account', r.account ?? '—'],
    ['Started', when(r.startedAt)],
    ['Finished', when(r.finishedAt)],
    ['Duration', duration(r.durationMs)]
  ]
  if (r.planId !== null) run.push(['Plan', String(r.planId)])
  if (r.message) run.push(['Message', r.message])
  const figures: [string, string][] = [
    ['Records', int(h.recordCounts.total)],
    ['Requests', int(f.requests)],
    ['Retries', int(f.retries)],
    ['Throttled', `${int(f.throttled)} (${duration(f.throttleWaitMs)} waiting)`],
    ['Failed requests', int(f.failures)],
    ['Average request', duration(Math.round(average))],
    ['Longest request', duration(f.maxRequestMs)],
    ['Data received', bytes(f.bytesReceived)]
  ]
  return `<section id="summary"><h2>Summary</h2><div class="grid">${facts(run)}${facts(figures)}</div></section>`
}

function settings(h: RunReportHeader): string {
  const s = h.settings
  if (!s) return ''
  const rows: [string, string][] = []
  if (s.key) rows.push(['Matched by', s.key])
  if (s.pushMode) rows.push(['Mode', s.pushMode])
  if (s.missing) rows.push(['Records missing from the source', s.missing])
  if (s.batchSize !== null) rows.push(['Batch size', String(s.batchSize)])
  if (s.strategy) rows.push(['Requests', s.strategy])
  if (s.force !== null) rows.push(['Overwrite later changes', s.force ? 'yes' : 'no'])
  if (s.sourceFormat)
    rows.push(['Source', `${s.sourceFormat}${s.sheet ? `, sheet ${s.sheet}` : ''}`])
  const mapping = s.mapping
    .map((m) =>
      m.source === null
        ? m.column
        : `${m.source} → ${m.column}${m.lookup ? ` (lookup by ${m.lookup})` : ''}`
    )
    .join(', ')
  rows.push([h.run.kind === 'pull' ? 'Columns' : 'Mapping', mapping || '—'])
  return `<section id="settings"><h2>Settings</h2>${facts(rows)}</section>`
}

/** A value as a person reads it: the label where there is one, the raw value on hover. */
function labelled(side: 'before' | 'after', value: unknown, label: string | undefined): string {
  if (label === undefined) return `<span class="${side}">${esc(shown(value))}</span>`
  return `<span class="${side}" title="${esc(shown(value))}">${esc(label)}</span>`
}

function recordRow(r: ReportRecord): string {
  const changes = r.changes
    .map(
      (c) =>
        `<span class="chg"><span class="col">${esc(c.column)}</span>: ${labelled('before', c.before, c.beforeLabel)} → ${labelled('after', c.after, c.afterLabel)}</span>`
    )
    .join('')
  // The apply's messages already start with the status and code ("412 0x80060892: …").
  const error =
    r.errorCode && !(r.errorMessage ?? '').includes(r.errorCode)
      ? [r.errorCode, r.errorMessage].filter(Boolean).join(': ')
      : (r.errorMessage ?? '')
  return (
    `<tr data-action="${esc(r.action)}" data-outcome="${esc(r.outcome ?? '')}">` +
    `<td class="num">${esc(r.seq)}</td>` +
    `<td>${esc(r.row ?? '')}${r.location ? ` <span class="id">${esc(r.location)}</span>` : ''}</td>` +
    `<td>${esc(r.key ?? '')}${r.id ? `<span class="id">${esc(r.id)}</span>` : ''}</td>` +
    `<td class="action-${cls(r.action)}">${esc(r.action)}</td>` +
    `<td class="outcome-${cls(r.outcome)}">${esc(r.outcome ?? '')}</td>` +
    `<td>${changes}</td><td class="err">${esc(error)}</td></tr>\n`
  )
}

const options = (label: string, values: string[]): string =>
  `<option value="">${esc(label)}</option>${values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`).join('')}`

/**
 * A self-contained page: summary, charts (inline SVG), settings and a filterable record table.
 * Written as it is built; the records are streamed from the store into the table.
 */
export async function renderHtml(
  report: RunReport,
  out: Writable,
  opts: HtmlOptions = {}
): Promise<number> {
  const h = report.header
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  const max = Math.max(0, opts.maxRecords ?? DEFAULT_HTML_RECORDS)
  const title = `${KIND[h.run.kind] ?? h.run.kind} run ${h.run.id}${h.run.table ? ` — ${h.run.table}` : ''}${h.run.environment ? ` in ${h.run.environment}` : ''}`
  await write(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
      `<meta http-equiv="Content-Security-Policy" content="${esc(CONTENT_SECURITY_POLICY)}">` +
      `<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">` +
      `<title>${esc(title)} — Dataverse Sync Studio</title><style>${STYLE}</style></head><body>\n` +
      `<header><h1>${esc(title)}</h1><p class="sub">Dataverse Sync Studio run report · <span class="status-${cls(h.run.status)}">${esc(h.run.status)}</span> · started ${esc(when(h.run.startedAt))}</p></header>\n` +
      summary(h) +
      `<section id="charts"><h2>Counts and timing</h2><div class="grid">${countsChart(h.counts, h.run.kind)}${timingChart(h.figures)}</div>` +
      (h.trend.length > 1
        ? `<h2>Recent ${esc(h.run.kind)} runs of ${esc(h.run.table ?? '')}</h2>${trendChart(h.trend, h.run.id)}`
        : '') +
      `</section>\n${settings(h)}`
  )
  const total = h.recordCounts.total
  const cut =
    total > max
      ? `<p class="note">This run has ${int(total)} records; this page shows the first ${int(max)} in order and, after them, those that failed or conflicted (up to ${int(max)} more). The CSV and JSON reports of this run have every record.</p>`
      : ''
  await write(
    `<section id="records-section"><h2>Records</h2>${cut}` +
      `<div class="controls"><input id="filter-text" type="search" placeholder="Filter by text" aria-label="Filter by text">` +
      `<select id="filter-action" aria-label="Action">${options('Any action', Object.keys(h.recordCounts.byAction).sort())}</select>` +
      `<select id="filter-outcome" aria-label="Outcome">${options(
        'Any outcome',
        Object.keys(h.recordCounts.byOutcome)
          .filter((o) => o !== 'none')
          .sort()
      )}</select>` +
      `<span><span id="shown-count">…</span> shown</span></div>` +
      `<table id="records" class="records"><thead><tr><th>#</th><th>Row</th><th>Key / id</th><th>Action</th><th>Outcome</th><th class="changes">Changes (before → after)</th><th class="error">Error</th></tr></thead><tbody>\n`
  )
  let n = 0
  let lastSeq = 0
  for (const record of report.records({ limit: max })) {
    await write(recordRow(record))
    lastSeq = record.seq
    n += 1
    opts.onRecord?.(n)
  }
  const first = n
  // Past the first ones, the records an admin must see: those that failed or conflicted.
  if (first < total) {
    for (const record of report.records({ problemsOnly: true, afterSeq: lastSeq, limit: max })) {
      await write(recordRow(record))
      n += 1
      opts.onRecord?.(n)
    }
  }
  const detail =
    n < total
      ? `: the first ${int(first)} in order${n > first ? ` and ${int(n - first)} that failed or conflicted after them` : ''}`
      : ''
  await write(
    `</tbody></table><p id="records-total">${int(n)} of ${int(total)} records in this page${detail}.</p></section>\n` +
      `<footer>Generated ${esc(when(h.generatedAt))} by Dataverse Sync Studio · report format version ${esc(h.version)} · times in UTC</footer>\n` +
      `<script>${SCRIPT}</script></body></html>\n`
  )
  out.end()
  await once(out, 'finish')
  return n
}
