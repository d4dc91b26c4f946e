import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliFolder } from '../../support/dvsync-cli'
import type { Harness } from '../../support/sandbox-harness'

/**
 * `dvsync runs [--limit N] [--kind K] [--env E] [--table T]`, `dvsync runs compare`, `dvsync runs
 * prune` and `dvsync report RUN_ID --format csv|json|html|pdf --out FILE` (shared/design/cli.md),
 * the real command in child processes against a sandbox in this process.
 */

let harness: Harness
let cli: CliFolder
let close: (() => Promise<void>) | undefined
const file = (name: string): string => join(cli.dataDir, name)
beforeAll(async () => {
  ;({ harness, cli, close } = await cliOnSandbox({ accounts: 3, contacts: 3, products: 12 }))
  const first = await cli.run(words('pull --env sb --table product'))
  expect(first.code, said(first)).toBe(0)
  await harness.api('PATCH', "products(productnumber='PRD-0000001')", {
    body: { name: '=HYPERLINK("http://example.invalid","x")' }
  })
  const second = await cli.run(words('pull --env sb --table product'))
  expect(second.code, said(second)).toBe(0)
})
afterAll(() => close?.())

describe('dvsync runs', () => {
  it('lists runs as a table or JSON, filtered; bad filters are exit 2', async () => {
    const [json, text, none, byTable, badKind, badLimit, badDate] = await Promise.all([
      cli.run(words('runs --json')),
      cli.run(words('runs --limit 5')),
      cli.run(words('runs --kind apply --env sb --json')),
      cli.run(words('runs --table PRODUCT --env SB --kind pull --limit 1 --json')),
      cli.run(words('runs --kind nope')),
      cli.run(words('runs --limit 0 --json')),
      cli.run(words('runs --since yesterday'))
    ])
    for (const run of [json, text, none, byTable]) expect(run.code, said(run)).toBe(0)
    const runs = jsonOf(json).runs
    expect(runs).toHaveLength(2)
    expect(runs[0]).toMatchObject({
      id: 2,
      kind: 'pull',
      mode: 'delta',
      status: 'completed',
      environmentName: 'sb',
      table: 'product',
      account: 'sandbox demo app',
      counts: { updated: 1, created: 0 },
      figures: { requests: 1 },
      durationMs: expect.any(Number)
    })
    expect(runs[1]).toMatchObject({ id: 1, mode: 'initial', counts: { created: 12 } })
    expect(text.stdout).toMatch(
      /^run\s+plan\s+kind\s+mode\s+status\s+environment\s+table\s+started \(UTC\)/
    )
    expect(text.stdout).toMatch(/\n2\s+pull\s+delta\s+completed\s+sb\s+product\s+\d{4}-\d\d-\d\d /)
    expect(jsonOf(none)).toEqual({ runs: [] })
    expect(jsonOf(byTable).runs.map((r: { id: number }) => r.id)).toEqual([2])
    expect(badKind.code, said(badKind)).toBe(2)
    expect(badKind.stderr).toMatch(/Unknown run kind 'nope'/)
    expect(badLimit.code).toBe(2)
    expect(jsonOf(badLimit).error.message).toMatch(/--limit must be a whole number from 1 to 1000/)
    expect(badDate.code).toBe(2)
    expect(badDate.stderr).toMatch(/'yesterday' is not a date/)
  })

  it('compares two runs of a table', async () => {
    const [json, text] = await Promise.all([
      cli.run(words('runs compare 1 2 --json')),
      cli.run(words('runs compare 1 2'))
    ])
    expect(json.code, said(json)).toBe(0)
    const c = jsonOf(json)
    expect(c.counts.find((r: { name: string }) => r.name === 'created')).toEqual({
      name: 'created',
      a: 12,
      b: 0,
      delta: -12
    })
    expect(c.records).toMatchObject({ onlyInA: 11, onlyInB: 0, different: 1 })
    expect(text.stdout).toMatch(/Records: 11 only in run 1, 0 only in run 2, 1 different\./)
  })
})

describe('dvsync report', () => {
  it('writes CSV, JSON, HTML and PDF reports of a run', async () => {
    const [csv, json, html, pdf] = await Promise.all([
      cli.run(['report', '2', '--format', 'csv', '--out', file('r.csv'), '--json']),
      cli.run(['report', '2', '--format', 'json', '--out', file('r.json')]),
      // The format can come from the file name.
      cli.run(['report', '1', '--out', file('r.html'), '--json']),
      cli.run(['report', '2', '--format', 'pdf', '--out', file('r.pdf'), '--json'], {
        env: { DVSYNC_CHROMIUM: '/usr/bin/chromium' },
        timeoutMs: 60_000
      })
    ])
    for (const run of [csv, json, html, pdf]) expect(run.code, said(run)).toBe(0)
    expect(jsonOf(csv)).toMatchObject({ runId: 2, format: 'csv', records: 1, totalRecords: 1 })
    const rows = parse(readFileSync(file('r.csv')), { bom: true, columns: true }) as Record<
      string,
      string
    >[]
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ key: 'PRD-0000001', action: 'updated' })
    expect(rows[0]!['name after']).toBe(`'=HYPERLINK("http://example.invalid","x")`)
    expect(json.stdout).toMatch(
      /^Wrote the JSON report of run 2 to .*r\.json \(\d[\d,]* bytes\)\.\n$/
    )
    expect(JSON.parse(readFileSync(file('r.json'), 'utf8'))).toMatchObject({
      version: 1,
      run: { id: 2 }
    })
    expect(jsonOf(html)).toMatchObject({ runId: 1, format: 'html', records: 12 })
    expect(readFileSync(file('r.html'), 'utf8')).toMatch(/^<!doctype html>/)
    expect(jsonOf(pdf)).toMatchObject({ runId: 2, format: 'pdf', records: 1 })
    const text = execFileSync('pdftotext', [file('r.pdf'), '-'], { encoding: 'utf8' })
    expect(text).toContain('Pull run 2 — product in sb')
    expect(text).toContain('Summary')
  })

  it('an unknown run or format is exit 2 with a clear message, and writes nothing', async () => {
    const [unknownRun, unknownFormat, noFormat, notNumber, noBrowser] = await Promise.all([
      cli.run(['report', '99', '--format', 'csv', '--out', file('x.csv')]),
      cli.run(['report', '1', '--format', 'xlsx', '--out', file('x.xlsx'), '--json']),
      cli.run(['report', '1', '--out', file('x.txt')]),
      cli.run(['report', 'latest', '--format', 'csv', '--out', file('x.csv')]),
      cli.run([
        'report',
        '1',
        '--format',
        'pdf',
        '--out',
        file('x.pdf'),
        '--chromium',
        '/nowhere/chromium'
      ])
    ])
    expect(unknownRun.code, said(unknownRun)).toBe(2)
    expect(unknownRun.stderr).toMatch(/There is no run 99\. List the runs with: dvsync runs/)
    expect(unknownFormat.code).toBe(2)
    expect(jsonOf(unknownFormat).error.message).toMatch(
      /Unknown report format 'xlsx': use csv, json, html, pdf/
    )
    expect(noFormat.code).toBe(2)
    expect(noFormat.stderr).toMatch(/Can't tell the report format from/)
    expect(notNumber.code).toBe(2)
    expect(notNumber.stderr).toMatch(/The run id must be a whole number \(got 'latest'\)/)
    expect(noBrowser.code).toBe(2)
    expect(noBrowser.stderr).toMatch(/There is no browser at \/nowhere\/chromium/)
    const left = execFileSync('ls', [cli.dataDir], { encoding: 'utf8' })
    expect(left).not.toMatch(/^x\.|partial/m)
  })
})

describe('dvsync runs prune', () => {
  it('says what it would prune, prunes, and needs --older-than or --keep', async () => {
    const nothing = await cli.run(words('runs prune --json'))
    expect(nothing.code).toBe(2)
    expect(jsonOf(nothing).error.message).toMatch(/--older-than DAYS, --keep N, or both/)
    const dry = await cli.run(words('runs prune --keep 1 --dry-run --json'))
    expect(dry.code, said(dry)).toBe(0)
    expect(jsonOf(dry)).toMatchObject({ dryRun: true, pruned: 1, runs: [{ id: 1 }], items: 12 })
    const young = await cli.run(words('runs prune --older-than 30'))
    expect(young.stdout).toMatch(/^Nothing to prune\./)
    const real = await cli.run(words('runs prune --keep 1'))
    expect(real.code, said(real)).toBe(0)
    expect(real.stdout).toMatch(/^Pruned 1 run with 12 records, and 0 applied plans with 0 items\./)
    expect(real.stdout).toMatch(
      /Mirrors, delta links, environments, profiles and sign-ins were not touched/
    )
    const after = await cli.run(words('runs --json'))
    expect(jsonOf(after).runs.map((r: { id: number }) => r.id)).toEqual([2])
    // The mirror is whole: the next pull is a delta with nothing new.
    const pull = await cli.run(words('pull --env sb --table product --json'))
    expect(jsonOf(pull)).toMatchObject({ mode: 'delta', created: 0, updated: 0 })
  })
})
