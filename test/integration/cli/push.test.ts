import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliOnSandbox } from '../../support/dvsync-cli'
import { runChild } from '../../support/fault-campaign'

// `dvsync push` and `dvsync apply` as a script runs them (shared/design/cli.md): rows that had
// errors or were skipped, and records that failed, are reported — row, column, message — and
// the exit code is 1 (issue 19 item 7); numeric flags are checked before anything is sent, and
// a push killed mid-run is shown as interrupted and resumed by an apply (issue 19 item 12).

let env: CliOnSandbox
beforeAll(async () => {
  env = await cliOnSandbox({ products: 10, accounts: 2, contacts: 2 })
})
afterAll(() => env.close())

const MAP = 'Code=productnumber,Name=name,Price=price'

function csv(name: string, lines: string[]): string {
  const file = join(env.cli.dataDir, name)
  writeFileSync(file, ['Code,Name,Price', ...lines].join('\n'))
  return file
}

const price = async (key: string): Promise<number | undefined> =>
  (await env.harness.api('GET', `products(productnumber='${key}')?$select=price`)).json.price

describe('a push with a row that has an error', () => {
  it('push --yes applies the good rows, names the bad one (row, column, value) and exits 1', async () => {
    const file = csv('bad-row.csv', ['BAD-1,Good one,10', 'BAD-2,Typo,12.5O', 'BAD-3,Good two,30'])
    const run = await env.cli.run([
      ...words(`push --env sb --table product --map ${MAP} --yes`),
      '--source',
      file
    ])
    expect(run.code, said(run)).toBe(1)
    expect(run.stdout).toMatch(/1 source row with errors, not applied:/)
    expect(run.stdout).toMatch(/Row 2 \(line 3\).*'Price' → price.*12\.5O/)
    expect(run.stdout).not.toMatch(/^\s+at /m)
    expect(await price('BAD-1')).toBe(10)
    expect(await price('BAD-3')).toBe(30)
    expect((await env.harness.api('GET', "products(productnumber='BAD-2')")).status).toBe(404)
  })

  it('with --json the counts and the first errors are in the document; plan then apply does the same', async () => {
    const file = csv('bad-json.csv', ['BJ-1,Good,10', 'BJ-2,Typo,abc'])
    const plan = jsonOf(
      await env.cli.run([
        ...words(`plan --env sb --table product --map ${MAP} --json`),
        '--source',
        file
      ])
    )
    expect(plan).toMatchObject({ creates: 1, errors: 1 })
    const run = await env.cli.run(words(`apply --plan ${plan.planId} --yes --json`))
    expect(run.code, said(run)).toBe(1)
    const out = jsonOf(run)
    expect(out).toMatchObject({ created: 1, failed: 0, errorRows: 1 })
    expect(out.notApplied.errors).toHaveLength(1)
    expect(out.notApplied.errors[0]).toMatchObject({ row: 2, key: 'BJ-2' })
    expect(out.notApplied.errors[0].message).toMatch(/'Price' → price.*abc/)
  })

  it('a clean push still exits 0 and says nothing about errors', async () => {
    const file = csv('clean.csv', ['OK-1,Fine,1'])
    const run = await env.cli.run([
      ...words(`push --env sb --table product --map ${MAP} --yes`),
      '--source',
      file
    ])
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).not.toMatch(
      /with errors|rows? skipped|refused|not overwritten|Not everything/
    )
  })
})

describe('numeric flags', () => {
  it.each([
    ['apply --plan abc', /--plan takes a plan id, a whole number such as 12 \(got 'abc'\)/],
    ['apply --plan 0', /--plan takes a plan id.*\(got '0'\)/],
    ['apply --plan 1 --dop 0', /--dop must be a whole number from 1 to 64 \(got '0'\)/],
    ['apply --plan 1 --batch -5', /--batch must be a whole number from 1 to 1000 \(got '-5'\)/],
    ['apply --plan 1 --batch 2.5', /--batch must be a whole number from 1 to 1000 \(got '2\.5'\)/],
    ['apply --plan 1 --dop 1e9', /--dop must be a whole number from 1 to 64 \(got '1e9'\)/],
    ['push --env sb --table product --source x.csv --dop 65', /--dop .* from 1 to 64 \(got '65'\)/],
    ['plan --env sb --table product --source x.csv --batch 0x10', /--batch .*\(got '0x10'\)/],
    ['pull --env sb --table product --page-size 0', /--page-size .* from 1 to 5000 \(got '0'\)/]
  ])('%s is refused with exit 2 naming the flag and its range', async (line, message) => {
    const run = await env.cli.run(words(line))
    expect(run.code, said(run)).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stderr).not.toMatch(/NaN|^\s+at /m)
  })
})

describe('a push killed mid-run', () => {
  it('shows its run as interrupted, and an apply of the plan resumes it', async () => {
    const rows = Array.from(
      { length: 60 },
      (_, i) => `KILL-${String(i).padStart(2, '0')},Killed ${i},${i + 1}`
    )
    // The kill kit's child applies in the environment named 'sandbox'.
    const added = await env.cli.run(
      words(`env add sandbox --url ${env.harness.sandbox.url} --auth sandbox`)
    )
    expect(added.code, said(added)).toBe(0)
    const plan = jsonOf(
      await env.cli.run([
        ...words(`plan --env sandbox --table product --map ${MAP} --batch 10 --json`),
        '--source',
        csv('kill.csv', rows)
      ])
    )
    // The apply kills itself right after its third chunk is journaled 'sending'.
    const killed = await runChild({
      killAt: 'sending:3',
      env: {
        JOB: 'apply',
        SANDBOX_URL: env.harness.sandbox.url,
        DATA_DIR: env.cli.dataDir,
        PLAN_ID: String(plan.planId),
        BATCH: '10',
        PARALLELISM: '1'
      }
    })
    expect(killed.end, killed.stderr).toBe('killed')
    const runs = jsonOf(await env.cli.run(words('runs --kind apply --json'))).runs
    expect(runs[0]).toMatchObject({ status: 'interrupted' })
    const resumed = await env.cli.run(words(`apply --plan ${plan.planId} --yes --json`))
    expect(resumed.code, said(resumed)).toBe(0)
    const out = jsonOf(resumed)
    expect(out.failed).toBe(0)
    expect(out.created + out.alreadyApplied).toBeGreaterThan(0)
    const count = await env.harness.api(
      'GET',
      "products/$count?$filter=startswith(productnumber,'KILL-')"
    )
    expect(count.text).toBe('60')
  })
})
