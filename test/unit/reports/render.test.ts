import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { normaliseCounts, summariseRun } from '../../../src-main/history/run-summary'
import { esc } from '../../../src-main/reports/html-format'
import {
  parseReportFormat,
  renderCsv,
  renderHtml,
  renderJson,
  reportFormatOf,
  type ReportRecord,
  type RunReport,
  type RunReportHeader
} from '../../../src-main/reports/index'

/** Renderers on a report built in memory: escaping, neutralising and the page's policy. */

const header = (over: Partial<RunReportHeader> = {}): RunReportHeader => ({
  version: 1,
  generator: 'Dataverse Sync Studio',
  generatedAt: '2025-03-01T10:00:00.000Z',
  run: {
    id: 7,
    kind: 'apply',
    mode: 'upsert',
    status: 'completed',
    environment: '<b>prod</b>',
    table: 'contact',
    profile: '"nightly"',
    account: "o'brien@example.com",
    startedAt: '2025-03-01T09:59:00.000Z',
    finishedAt: '2025-03-01T10:00:00.000Z',
    durationMs: 60_000,
    message: '<script>alert(1)</script>',
    planId: 3
  },
  counts: normaliseCounts('apply', { created: 1, failed: 1 }),
  recordedCounts: { created: 1, failed: 1 },
  figures: {
    requests: 2,
    retries: 0,
    throttled: 0,
    throttleWaitMs: 0,
    failures: 1,
    totalRequestMs: 40,
    maxRequestMs: 30,
    bytesReceived: 900,
    durationMs: 60_000
  },
  recordCounts: { total: 2, byAction: { create: 2 }, byOutcome: { done: 1, failed: 1 } },
  columns: ['lastname'],
  settings: null,
  trend: [],
  ...over
})

const record = (over: Partial<ReportRecord>): ReportRecord => ({
  seq: 1,
  row: 1,
  location: 'line 2',
  key: 'K-1',
  id: null,
  action: 'create',
  outcome: 'done',
  errorCode: null,
  errorMessage: null,
  changes: [],
  before: null,
  after: null,
  ...over
})

const HOSTILE: ReportRecord[] = [
  record({
    key: '=1+1',
    changes: [{ column: 'lastname', before: null, after: '<img src=x onerror=alert(1)>' }]
  }),
  record({
    seq: 2,
    key: '"><svg onload=alert(2)>',
    action: 'create" onmouseover="alert(3)',
    outcome: 'failed',
    errorCode: '0x80040237',
    errorMessage: '@SUM(1) <i>bad</i>',
    changes: [{ column: '+col', before: null, after: -5 }]
  })
]

const reportOf = (records: ReportRecord[], h = header()): RunReport => ({
  header: h,
  records: (q = {}) =>
    (function* () {
      let n = 0
      for (const r of records) {
        if (r.seq <= (q.afterSeq ?? 0)) continue
        if (q.problemsOnly && r.outcome !== 'failed' && r.outcome !== 'conflict') continue
        if (n++ >= (q.limit ?? Infinity)) return
        yield r
      }
    })()
})

async function rendered(
  render: (out: PassThrough) => Promise<number>
): Promise<{ text: string; n: number }> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  const n = await render(out)
  return { text: Buffer.concat(chunks).toString('utf8'), n }
}

describe('HTML', () => {
  it('escapes every value, in text and in attributes', async () => {
    const { text, n } = await rendered((out) => renderHtml(reportOf(HOSTILE), out))
    expect(n).toBe(2)
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(text).toContain('&lt;b&gt;prod&lt;/b&gt;')
    expect(text).toContain('data-action="create&quot; onmouseover=&quot;alert(3)"')
    expect(text).toContain('&quot;&gt;&lt;svg onload=alert(2)&gt;')
    expect(text).not.toMatch(/<(img|svg onload|i>|b>)/)
    // Class names built from values keep letters, digits and dashes only.
    expect(text).toContain('class="action-createonmouseoveralert3"')
    expect(esc(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;')
  })

  it('allows exactly its own inline style and script by hash, and nothing else', async () => {
    const { text } = await rendered((out) => renderHtml(reportOf(HOSTILE), out))
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(text)![1]!
      .replace(/&#39;/g, "'")
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`
    const style = /<style>([\s\S]*?)<\/style>/.exec(text)![1]!
    const script = /<script>([\s\S]*?)<\/script>/.exec(text)![1]!
    expect(csp.split('; ')).toEqual([
      "default-src 'none'",
      `style-src ${hash(style)}`,
      `script-src ${hash(script)}`,
      "img-src 'none'",
      "base-uri 'none'",
      "form-action 'none'"
    ])
    expect(text.match(/<script/g)).toHaveLength(1)
    expect(text.match(/<style/g)).toHaveLength(1)
    expect(text).not.toMatch(/\sstyle="/)
  })

  it('shows the first N records, then those that failed after them, and says so', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      record({ seq: i + 1, key: `K-${i + 1}`, outcome: i === 25 ? 'failed' : 'done' })
    )
    const h = header({ recordCounts: { total: 30, byAction: { create: 30 }, byOutcome: {} } })
    const { text, n } = await rendered((out) =>
      renderHtml(reportOf(many, h), out, { maxRecords: 10 })
    )
    expect(n).toBe(11)
    expect(text).toContain('This run has 30 records; this page shows the first 10 in order')
    expect(text).toContain('11 of 30 records in this page: the first 10 in order and 1 that failed')
    expect(text).toContain('>K-26<')
    expect(text).not.toContain('>K-25<')
  })
})

describe('CSV', () => {
  it('neutralises formula-like cells in keys, values, errors and column names', async () => {
    const { text } = await rendered((out) =>
      renderCsv(reportOf(HOSTILE, header({ columns: ['lastname', '+col'] })), out)
    )
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[]
    expect(rows[0]).toMatchObject({
      key: "'=1+1",
      'lastname after': '<img src=x onerror=alert(1)>'
    })
    // A number is a value, not a formula: -5 stays -5.
    expect(rows[1]).toMatchObject({ error_message: "'@SUM(1) <i>bad</i>", "'+col after": '-5' })
  })
})

describe('JSON', () => {
  it('is one document: the header, then the records', async () => {
    const { text } = await rendered((out) => renderJson(reportOf(HOSTILE), out))
    const doc = JSON.parse(text)
    expect(doc.version).toBe(1)
    expect(doc.records).toHaveLength(2)
    expect(doc.run.message).toBe('<script>alert(1)</script>')
    const empty = JSON.parse((await rendered((out) => renderJson(reportOf([]), out))).text)
    expect(empty.records).toEqual([])
  })
})

describe('formats and counts', () => {
  it('reads the format from a name or a file', () => {
    expect(parseReportFormat('PDF')).toBe('pdf')
    expect(() => parseReportFormat('xlsx')).toThrow(/Unknown report format 'xlsx'/)
    expect(reportFormatOf('/tmp/run.HTM')).toBe('html')
    expect(reportFormatOf('run.json')).toBe('json')
    expect(() => reportFormatOf('run.txt')).toThrow(/Can't tell the report format/)
  })

  it('puts every kind of run under the same count names', () => {
    expect(
      normaliseCounts('plan', { create: 2, update: 1, error: 3, skip: 1, unchanged: 4 })
    ).toMatchObject({
      created: 2,
      updated: 1,
      failed: 3,
      skipped: 1,
      unchanged: 4,
      conflicts: 0
    })
    expect(normaliseCounts('pull', { created: 1, deleted: 2, bogus: 9 })).toMatchObject({
      created: 1,
      deleted: 2
    })
    const run = summariseRun({
      id: 1,
      kind: 'apply',
      mode: 'upsert',
      status: 'running',
      environmentId: 1,
      environmentName: 'e',
      tableName: 't',
      profileName: null,
      account: null,
      startedAt: '2025-01-01T00:00:00.000Z',
      finishedAt: null,
      counts: { created: 2, failed: 1, conflicts: 1, unchanged: 5 },
      figures: { requests: 3 },
      message: null,
      details: { planId: 9 },
      parentRunId: null
    })
    expect(run).toMatchObject({ durationMs: null, records: 4, problems: 2, planId: 9 })
    expect(run.figures).toMatchObject({ requests: 3, retries: 0, throttleWaitMs: 0 })
  })
})
