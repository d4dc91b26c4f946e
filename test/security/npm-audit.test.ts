import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

/**
 * `npm audit --omit=dev` (what ships) and `npm audit` (everything, the build and test tools
 * included): clean, or every advisory named in SECURITY.md ("Dependency audit") with its
 * reachability. A registry whose advisory endpoint refuses the request (this workplace's answers
 * 405 to npm's bulk advisory POST) can't tell either way: the test then says so and is skipped,
 * rather than passing on no data.
 */

interface Audit {
  vulnerabilities?: Record<
    string,
    { severity: string; via: (string | { source?: number; url?: string; title?: string })[] }
  >
  metadata?: { vulnerabilities: Record<string, number> }
  error?: unknown
  statusCode?: number
  message?: string
}

function audit(args: string[]): Promise<Audit> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--json', ...args],
      { timeout: 120_000, maxBuffer: 64 * 2 ** 20 },
      (_err, stdout) => {
        try {
          resolve(JSON.parse(stdout) as Audit)
        } catch {
          resolve({ error: `npm audit printed no JSON: ${stdout.slice(0, 200)}` })
        }
      }
    )
  })
}

const explained = readFileSync('SECURITY.md', 'utf8')

/** Advisories of an audit whose id (GHSA or npm number) and package SECURITY.md doesn't name. */
function unexplainedIn(result: Audit, text: string): string[] {
  const out: string[] = []
  for (const [name, finding] of Object.entries(result.vulnerabilities ?? {})) {
    for (const via of finding.via) {
      if (typeof via === 'string') continue // reported under the package it comes from
      const id = via.url?.split('/').at(-1) ?? String(via.source)
      if (!text.includes(id) || !text.includes(name))
        out.push(`${name} (${finding.severity}): ${via.title ?? ''} ${via.url ?? ''}`)
    }
  }
  return out
}

it('an advisory counts as explained only when SECURITY.md names both it and its package', () => {
  const finding: Audit = {
    vulnerabilities: {
      yauzl: {
        severity: 'high',
        via: [{ source: 1, url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz', title: 't' }]
      },
      exceljs: { severity: 'high', via: ['yauzl'] }
    }
  }
  expect(unexplainedIn(finding, explained)).toHaveLength(1)
  expect(unexplainedIn(finding, 'yauzl GHSA-xxxx-yyyy-zzzz: not reachable')).toEqual([])
})

describe.each([
  ['what ships (--omit=dev)', ['--omit=dev']],
  ['everything', []]
])('npm audit: %s', (_what, args) => {
  it('is clean, or each advisory is explained in SECURITY.md', async (context) => {
    const result = await audit(args)
    if (!result.metadata) {
      const why = result.message ?? JSON.stringify(result.error ?? result).slice(0, 200)
      console.warn(
        `\n!!! npm audit ${args.join(' ')} could not run: ${why} — see SECURITY.md, "Dependency audit" !!!\n`
      )
      context.skip()
      return
    }
    const unexplained = unexplainedIn(result, explained)
    expect(unexplained).toEqual([])
  })
})
