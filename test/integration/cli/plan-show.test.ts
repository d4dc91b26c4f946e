import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliOnSandbox } from '../../support/dvsync-cli'

/**
 * Reviewing a stored plan in the terminal (issue 12, item 6): `dvsync plan` prints a few sample
 * diffs under its counts, and `dvsync plan show ID` gives the counts, the key the plan matched
 * by, and its items a page at a time as `column: from → to` (choices by label, the number
 * beside it), filtered by action, or as JSON.
 */

let env: CliOnSandbox
let typed: string
let repriced: string
let planId: number
let planRun: Awaited<ReturnType<CliOnSandbox['cli']['run']>>

beforeAll(async () => {
  env = await cliOnSandbox({ products: 10, accounts: 1, contacts: 1 })
  // A product whose type is not Services yet, so setting it to Services (3) is a change.
  const other = await env.harness.api(
    'GET',
    'products?$select=productnumber&$filter=producttypecode ne 3&$orderby=productnumber'
  )
  typed = other.json.value[0].productnumber
  repriced = other.json.value[1].productnumber
  const file = join(env.cli.dataDir, 'review.csv')
  writeFileSync(
    file,
    [
      'Code,Name,Price,Type',
      `${typed},Renamed for review,,3`,
      `${repriced},,99.5,`,
      'NEW-0001,New for review,10,',
      'BAD-0001,Bad price,abc,'
    ].join('\n')
  )
  planRun = await env.cli.run([
    ...words('plan --env sb --table product'),
    ...words('--map Code=productnumber,Name=name,Price=price,Type=producttypecode'),
    '--source',
    file
  ])
  planId = Number(/^Plan (\d+):/m.exec(planRun.stdout)?.[1])
})
afterAll(() => env.close())

const show = (args: string) => env.cli.run(words(`plan show ${planId} ${args}`))

describe('dvsync plan', () => {
  it('prints sample diffs, a choice by its label, and how to see all of it', () => {
    // A row with an error makes it exit 1 (cli.md); the rest is planned.
    expect(planRun.code, said(planRun)).toBe(1)
    expect(planRun.stdout).toMatch(
      /^Plan \d+: 1 creates, 2 updates, 0 deactivations, 0 deletions, 0 unchanged/m
    )
    expect(planRun.stdout).toMatch(/^Sample changes:$/m)
    expect(planRun.stdout).toMatch(new RegExp(`^  Row 1 \\(line 2\\) · update · ${typed}$`, 'm'))
    expect(planRun.stdout).toMatch(/^ {6}name: .+ → Renamed for review$/m)
    expect(planRun.stdout).toMatch(
      /^ {6}producttypecode: (Sales Inventory \(1\)|Miscellaneous Charges \(2\)|Flat Fees \(4\)) → Services \(3\)$/m
    )
    expect(planRun.stdout).toMatch(/^ {6}price: [\d.]+ → 99\.5$/m)
    expect(planRun.stdout).toMatch(new RegExp(`all of it: dvsync plan show ${planId}\\)`))
  })
})

describe('dvsync plan show', () => {
  it('shows where, the key, the counts and every item but the unchanged', async () => {
    const run = await show('')
    expect(run.code, said(run)).toBe(0)
    const out = run.stdout
    expect(out).toMatch(
      new RegExp(
        `^Plan ${planId}: upsert of product in sb, made \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC, ready\\.$`,
        'm'
      )
    )
    expect(out).toMatch(
      /^Matched by alternate key \S+ \(productnumber\); records missing from the source: ignore\.$/m
    )
    expect(out).toMatch(
      /^1 creates, 2 updates, 0 deactivations, 0 deletions, 0 unchanged, 0 skipped, 1 with errors\.$/m
    )
    expect(out).toMatch(/^Items 1–4 of 4 \(page 1 of 1\):$/m)
    expect(out).toMatch(/^ {2}Row 3 \(line 4\) · create · NEW-0001$/m)
    expect(out).toMatch(/^ {6}name: — → New for review$/m)
    expect(out).toMatch(/^ {2}Row 4 \(line 5\) · error · BAD-0001$/m)
    expect(out).toMatch(/^ {6}Row 4 .*'Price' → price.*abc/m)
    expect(out).toMatch(/Services \(3\)/)
    expect(out).not.toMatch(/· unchanged ·|Next page/)
  })

  it('--action keeps only those actions', async () => {
    const run = await show('--action update')
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).toMatch(/^update items 1–2 of 2 \(page 1 of 1\):$/m)
    expect(run.stdout.match(/ · update · /g)).toHaveLength(2)
    expect(run.stdout).not.toMatch(/ · (create|error) · /)
  })

  it('--limit and --page page through, and say how to go on', async () => {
    const run = await show('--limit 1 --page 2')
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).toMatch(/^Items 2–2 of 4 \(page 2 of 4\):$/m)
    expect(run.stdout.match(/^ {2}Row \d+ /gm)).toHaveLength(1)
    expect(run.stdout).toMatch(
      new RegExp(`^Next page: dvsync plan show ${planId} --page 3 --limit 1$`, 'm')
    )
    const past = await show('--page 9')
    expect(past.code, said(past)).toBe(0)
    expect(past.stdout).toMatch(/Page 9 is past the end: 4 .* items make 1 page\./)
  })

  it('--json gives the plan, the page and the items with their raw changes', async () => {
    const out = jsonOf(await show('--action update,create --json'))
    expect(out).toMatchObject({
      planId,
      environment: 'sb',
      table: 'product',
      key: { kind: 'alternate', columns: ['productnumber'] },
      counts: { create: 1, update: 2, error: 1, unchanged: 0 },
      actions: ['update', 'create'],
      page: 1,
      total: 3
    })
    expect(out.items.map((i: { action: string }) => i.action).sort()).toEqual([
      'create',
      'update',
      'update'
    ])
    const typedItem = out.items.find((i: { key: string }) => i.key === typed)
    expect(typedItem.changes.producttypecode.to).toBe(3)
  })

  it('bad input is a usage error (exit 2) saying what to give', async () => {
    const [action, missing, id] = await Promise.all([
      show('--action updates'),
      env.cli.run(words('plan show 9999')),
      env.cli.run(words('plan show abc'))
    ])
    for (const run of [action, missing, id]) {
      expect(run.code, said(run)).toBe(2)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
    expect(action.stderr).toMatch(/--action takes create, update, unchanged, .* \(got 'updates'\)/)
    expect(missing.stderr).toMatch(/There is no plan 9999\. dvsync runs lists the plans/)
    expect(id.stderr).toMatch(/plan show takes a plan id, a whole number such as 12 \(got 'abc'\)/)
  })
})

describe('labels', () => {
  it('a lookup shows the record it points at by name and key, the id is in --json', async () => {
    const account = (
      await env.harness.api('GET', "accounts(accountnumber='ACC-00001')?$select=name,accountid")
    ).json
    const file = join(env.cli.dataDir, 'contacts.csv')
    writeFileSync(file, 'Employee,Last,Parent\nEMP-LABEL-1,Labelled,ACC-00001\n')
    const planned = await env.cli.run([
      ...words('plan --env sb --table contact --key employeeidkey --json'),
      ...words(
        '--map Employee=employeeid,Last=lastname,Parent=parentcustomerid:account.accountnumber'
      ),
      '--source',
      file
    ])
    expect(planned.code, said(planned)).toBe(0)
    const id = jsonOf(planned).planId
    const run = await env.cli.run(words(`plan show ${id}`))
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).toContain(`      parentcustomerid: — → ${account.name} (ACC-00001)\n`)
    expect(run.stdout).not.toContain(account.accountid)
    const json = jsonOf(await env.cli.run(words(`plan show ${id} --json`)))
    expect(json.items[0].changes.parentcustomerid).toMatchObject({
      to: account.accountid,
      toLabel: `${account.name} (ACC-00001)`
    })
  })
})
