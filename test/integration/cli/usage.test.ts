import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { jsonOf, runCli, said } from '../../support/dvsync-cli'

/**
 * `dvsync --help` and usage errors, from the real command in a child process
 * (shared/design/cli.md: every command has --help; exit 2 is bad usage, nothing sent).
 */

/** The sub-command names listed under "Commands:" in a help text. */
function commandsIn(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1]
  if (!section) return []
  return section
    .split('\n')
    .map((line) => /^ {2}([a-z][a-z-]*)\b/.exec(line)?.[1])
    .filter((name): name is string => !!name && name !== 'help')
}

/**
 * The help of many commands from one child process: the real `main` loaded the way
 * bin/dvsync.cjs loads it (tsx), called once per command. A process per command would cost a
 * second of start-up each on a loaded machine; the markers keep each command's output apart.
 */
const HELP_SCRIPT = `
require('tsx/cjs')
const { main } = require(process.argv[1])
;(async () => {
  for (const path of JSON.parse(process.argv[2])) {
    const code = await main([...path, '--help'])
    process.stdout.write('\\n<<<' + code + '>>>\\n')
    process.stderr.write('\\n<<<end>>>\\n')
  }
})()
`
const MAIN = fileURLToPath(new URL('../../../src-main/cli/main.ts', import.meta.url))

async function helpOf(
  paths: string[][]
): Promise<{ code: number; stdout: string; stderr: string }[]> {
  const run = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, ['-e', HELP_SCRIPT, MAIN, JSON.stringify(paths)])
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t))
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t))
      child.on('error', reject)
      child.on('close', (code) => resolve({ stdout, stderr, code }))
    }
  )
  expect(run.code, run.stderr).toBe(0)
  const outs = run.stdout.split(/\n<<<(\d+)>>>\n/)
  const errs = run.stderr.split('\n<<<end>>>\n')
  return paths.map((_, i) => ({
    stdout: outs[2 * i]!,
    code: Number(outs[2 * i + 1]),
    stderr: errs[i]!
  }))
}

describe('dvsync --help', () => {
  it('every command and sub-command has --help, found by walking the help itself', async () => {
    const root = await runCli(['--help'])
    expect(root.code, said(root)).toBe(0)
    expect(root.stderr).toBe('')
    expect(root.stdout).toMatch(/^Usage: dvsync \[options\] \[command\]/)
    const seen = new Map<string, string>()
    let level = commandsIn(root.stdout).map((c) => [c])
    // The commands issue 3 promises; commands added later are walked too.
    expect(level.map((c) => c[0])).toEqual(
      expect.arrayContaining([
        'sandbox',
        'env',
        'tables',
        'columns',
        'keys',
        'key',
        'tracking',
        'pull',
        'changes'
      ])
    )
    while (level.length) {
      const helps = await helpOf(level)
      const next: string[][] = []
      helps.forEach((help, i) => {
        const path = level[i]!.join(' ')
        const what = `dvsync ${path} --help\n${help.stdout}${help.stderr}`
        seen.set(path, help.stdout)
        expect(help.code, what).toBe(0)
        expect(help.stderr, what).toBe('')
        expect(help.stdout, what).toMatch(new RegExp(`^Usage: dvsync ${path}\\b`))
        expect(help.stdout, what).toMatch(/-h, --help/)
        const children = commandsIn(help.stdout)
        // Commands that do something take --json and --data-dir (groups only list commands).
        if (children.length === 0)
          expect(help.stdout, what).toMatch(/--json[\s\S]*--data-dir <dir>/)
        next.push(...children.map((c) => [...level[i]!, c]))
      })
      level = next
    }
    for (const path of [
      'env add',
      'env list',
      'env test',
      'env remove',
      'key create',
      'tracking enable'
    ])
      expect([...seen.keys()]).toContain(path)
    expect(seen.get('pull')).toMatch(/--columns <a,b>[\s\S]*--export <file>[\s\S]*--full/)
    expect(seen.get('env add')).toMatch(/--url <url>[\s\S]*--auth <kind>/)
  })
})

describe('usage errors: exit 2 before anything is sent', () => {
  it('names what is wrong, and with --json still prints one JSON document', async () => {
    const [unknown, missing, missingJson, badNumber, badExport] = await Promise.all([
      runCli(['nosuchcommand']),
      runCli(['pull', '--table', 'product']),
      runCli(['pull', '--table', 'product', '--json']),
      runCli(['pull', '--env', 'x', '--table', 'product', '--page-size', '0']),
      runCli(['pull', '--env', 'x', '--table', 'product', '--export', 'changes.xlsx', '--json'])
    ])
    expect(unknown.code, said(unknown)).toBe(2)
    expect(unknown.stderr).toMatch(/unknown command 'nosuchcommand'/)
    expect(missing.code, said(missing)).toBe(2)
    expect(missing.stderr).toMatch(
      /Say what to pull: --env NAME --table LOGICAL, or --profile NAME/
    )
    expect(missing.stdout).toBe('')

    expect(missingJson.code, said(missingJson)).toBe(2)
    expect(jsonOf(missingJson)).toEqual({
      error: {
        exitCode: 2,
        message: expect.stringMatching(
          /Say what to pull: --env NAME --table LOGICAL, or --profile NAME/
        )
      }
    })
    expect(badNumber.code, said(badNumber)).toBe(2)
    expect(badNumber.stderr).toMatch(
      /--page-size must be a whole number from 1 to 5000 \(got '0'\)/
    )
    expect(badExport.code, said(badExport)).toBe(2)
    expect(jsonOf(badExport).error.message).toMatch(/use a \.csv or \.ndjson file name/)
  })
})
