import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliOnSandbox } from '../../support/dvsync-cli'

/**
 * `dvsync apply --plan ID` asks before it writes (issue 12, item 5), as `push` and `undo` do: it
 * names the environment, table and counts; without --yes and without a terminal (a child process
 * with a pipe for stdin, as a scheduled job has) it is refused with exit 2 and nothing is sent; a
 * plan that deletes or deactivates more than 10% of the table needs --max-delete-percent, which
 * --yes alone does not replace (push too); an older plan than the newest of its table is
 * warned about; and `dvsync runs` shows each run's plan id.
 */

let env: CliOnSandbox
beforeAll(async () => {
  env = await cliOnSandbox({ products: 12, accounts: 1, contacts: 1 })
})
afterAll(() => env.close())

const MAP = 'Code=productnumber,Name=name'
const pn = (i: number) => `PRD-${String(i).padStart(7, '0')}`

function csv(name: string, lines: string[]): string {
  const file = join(env.cli.dataDir, name)
  writeFileSync(file, ['Code,Name', ...lines].join('\n'))
  return file
}

/** Write requests the sandbox served to the product table (directly or in a $batch). */
const writes = (): number =>
  Object.entries(env.harness.sandbox.controls.stats.snapshot().byRoute)
    .filter(([route]) => /^(POST|PATCH|PUT|DELETE) (products|\$batch)/.test(route))
    .reduce((n, [, c]) => n + c, 0)

const nameOf = async (key: string): Promise<string | undefined> =>
  (await env.harness.api('GET', `products(productnumber='${key}')?$select=name`)).json?.name

async function plan(file: string, extra = ''): Promise<number> {
  const run = await env.cli.run([
    ...words(`plan --env sb --table product --map ${MAP} --json ${extra}`),
    '--source',
    file
  ])
  expect(run.code, said(run)).toBe(0)
  return jsonOf(run).planId
}

describe('apply asks first', () => {
  it('without --yes and without a terminal it is refused (exit 2), naming env, table and counts; nothing is written', async () => {
    const planId = await plan(csv('rename.csv', [`${pn(1)},Renamed once`]))
    const before = writes()
    const run = await env.cli.run(words(`apply --plan ${planId}`))
    expect(run.code, said(run)).toBe(2)
    expect(run.stderr).toMatch(
      new RegExp(
        `Nothing was written\\. Applying plan ${planId} to product in sb: 0 creates, 1 updates, 0 deactivations, 0 deletions needs a yes: add --yes`
      )
    )
    expect(run.stderr).not.toMatch(/\n\s+at /)
    expect(writes()).toBe(before)
    expect(await nameOf(pn(1))).not.toBe('Renamed once')

    const json = await env.cli.run(words(`apply --plan ${planId} --json`))
    expect(json.code, said(json)).toBe(2)
    expect(jsonOf(json).error.message).toMatch(/add --yes/)
    expect(writes()).toBe(before)
  })

  it('with --yes it applies', async () => {
    const planId = await plan(csv('rename-yes.csv', [`${pn(2)},Renamed with yes`]))
    const run = await env.cli.run(words(`apply --plan ${planId} --yes --json`))
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ planId, updated: 1, failed: 0 })
    expect(await nameOf(pn(2))).toBe('Renamed with yes')
  })

  it('undo asks the same way: refused without --yes and a terminal, done with --yes', async () => {
    const planId = await plan(csv('undo.csv', [`${pn(5)},To be undone`]))
    const applied = jsonOf(await env.cli.run(words(`apply --plan ${planId} --yes --json`)))
    expect(await nameOf(pn(5))).toBe('To be undone')
    const before = writes()
    const refused = await env.cli.run(words(`undo ${applied.runId}`))
    expect(refused.code, said(refused)).toBe(2)
    expect(refused.stderr).toMatch(
      new RegExp(
        `Undo of run ${applied.runId} would make 0 deletions, 1 restores, .* in sb; add --yes to go ahead`
      )
    )
    expect(writes()).toBe(before)
    expect(await nameOf(pn(5))).toBe('To be undone')
    const done = await env.cli.run(words(`undo ${applied.runId} --yes`))
    expect(done.code, said(done)).toBe(0)
    expect(await nameOf(pn(5))).not.toBe('To be undone')
  })

  it('an older plan than the newest of its table is warned about; the newest is not', async () => {
    const older = await plan(csv('older.csv', [`${pn(3)},Older plan`]))
    const newer = await plan(csv('newer.csv', [`${pn(3)},Newer plan`]))
    const latest = await env.cli.run(words(`apply --plan ${newer} --yes`))
    expect(latest.code, said(latest)).toBe(0)
    expect(latest.stderr).not.toMatch(/is newer/)
    const run = await env.cli.run(words(`apply --plan ${older} --yes`))
    expect(run.stderr).toMatch(
      new RegExp(
        `Warning: Plan ${newer} for product in sb is newer \\(made .* UTC, applied\\); plan ${older} shows the records as they were at .*Apply the newer plan, or plan again`
      )
    )
    // Here the record changed since the older plan, so it is a conflict, not overwritten.
    expect(run.code, said(run)).toBe(1)
    expect(await nameOf(pn(3))).toBe('Newer plan')
  })

  it('dvsync runs shows the plan id beside each plan and apply run', async () => {
    const planId = await plan(csv('runs.csv', [`${pn(4)},Listed`]))
    const applied = jsonOf(await env.cli.run(words(`apply --plan ${planId} --yes --json`)))
    const run = await env.cli.run(words('runs --limit 10'))
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).toMatch(/^run\s+plan\s+kind\b/m)
    expect(run.stdout).toMatch(new RegExp(`^${applied.runId}\\s+${planId}\\s+apply\\b`, 'm'))
    expect(run.stdout).toMatch(new RegExp(`^\\d+\\s+${planId}\\s+plan\\b`, 'm'))
  })
})

describe('the guard against mass deletes', () => {
  let planId: number
  const keepOne = () => csv('keep-one.csv', [`${pn(1)},Renamed once`])

  let planned: Awaited<ReturnType<CliOnSandbox['cli']['run']>>

  beforeAll(async () => {
    planned = await env.cli.run([
      ...words(`plan --env sb --table product --map ${MAP} --missing delete`),
      '--source',
      keepOne()
    ])
    planId = Number(/^Plan (\d+):/m.exec(planned.stdout)?.[1])
  })

  it('plan already warns that applying it needs --max-delete-percent', () => {
    expect(planned.code, said(planned)).toBe(0)
    expect(planned.stdout).toMatch(
      new RegExp(
        `^Warning: Plan ${planId} would delete or deactivate 11 of the 12 product records in sb \\(92%\\).*add --max-delete-percent 92\\.$`,
        'm'
      )
    )
  })

  it('--yes alone does not apply a plan that deletes 11 of 12 records (exit 2, nothing written)', async () => {
    const before = writes()
    const run = await env.cli.run(words(`apply --plan ${planId} --yes`))
    expect(run.code, said(run)).toBe(2)
    expect(run.stderr).toMatch(
      new RegExp(
        `Plan ${planId} would delete or deactivate 11 of the 12 product records in sb \\(92%\\), more than the 10% allowed\\..*add --max-delete-percent 92`
      )
    )
    expect(writes()).toBe(before)
    const left = await env.harness.api('GET', 'products/$count')
    expect(left.text).toBe('12')
  })

  it('push honours the same guard', async () => {
    const before = writes()
    const run = await env.cli.run([
      ...words(`push --env sb --table product --map ${MAP} --missing delete --yes`),
      '--source',
      keepOne()
    ])
    expect(run.code, said(run)).toBe(2)
    expect(run.stderr).toMatch(/would delete or deactivate 11 of the 12 product records in sb/)
    expect(writes()).toBe(before)
  })

  it('a bad --max-delete-percent is a usage error naming the flag', async () => {
    const run = await env.cli.run(words(`apply --plan ${planId} --yes --max-delete-percent 150`))
    expect(run.code, said(run)).toBe(2)
    expect(run.stderr).toMatch(/--max-delete-percent must be a whole number from 0 to 100/)
  })

  it('a share below what is asked is still refused; the explicit share applies it', async () => {
    const low = await env.cli.run(words(`apply --plan ${planId} --yes --max-delete-percent 91`))
    expect(low.code, said(low)).toBe(2)
    const run = await env.cli.run(
      words(`apply --plan ${planId} --yes --max-delete-percent 92 --json`)
    )
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ deleted: 11, failed: 0 })
    expect((await env.harness.api('GET', 'products/$count')).text).toBe('1')
  })
})

/** util-linux `script` runs a command on a pseudo-terminal: the way to be a person at a prompt. */
const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0

/** `dvsync args…` on a terminal, typing `typed`; stdout and stderr arrive together. */
function atTerminal(args: string[], typed: string): Promise<{ code: number | null; out: string }> {
  const bin = fileURLToPath(new URL('../../../bin/dvsync.cjs', import.meta.url))
  const line = [process.execPath, bin, ...args, '--data-dir', env.cli.dataDir].join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], { stdio: 'pipe' })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`dvsync ${args.join(' ')} at a terminal did not finish.\n${out}`))
    }, 30_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
    child.stdin.end(typed)
  })
}

describe.skipIf(!hasScript)('apply at a terminal', () => {
  it('asks, naming the plan, environment, table and counts: "n" writes nothing, "y" applies', async () => {
    // pn(1) is the one product the mass delete above kept.
    const planId = await plan(csv('terminal.csv', [`${pn(1)},Typed yes`]))
    const before = writes()
    const no = await atTerminal(words(`apply --plan ${planId}`), 'n\n')
    expect(no.code, no.out).toBe(0)
    expect(no.out).toMatch(
      new RegExp(
        `Apply plan ${planId} to product in sb: 0 creates, 1 updates, 0 deactivations, 0 deletions\\? \\[y/N\\]`
      )
    )
    expect(no.out).toMatch(/Not applied\./)
    expect(writes()).toBe(before)
    const yes = await atTerminal(words(`apply --plan ${planId}`), 'y\n')
    expect(yes.code, yes.out).toBe(0)
    expect(await nameOf(pn(1))).toBe('Typed yes')
  })
})
