import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliFolder } from '../../support/dvsync-cli'

/**
 * `dvsync plan --empty / --empty-column` (issue 12, item 1): what empty cells do, said on the
 * command line; the plan's warning for a column cleared in many rows; bad rules are usage
 * errors (exit 2) naming the flag.
 */

let cli: CliFolder
let close: (() => Promise<void>) | undefined
let file: string
beforeAll(async () => {
  ;({ cli, close } = await cliOnSandbox({ accounts: 1, contacts: 1, products: 10 }))
  file = join(cli.dataDir, 'blank.csv')
  const rows = Array.from({ length: 10 }, (_, i) => `PRD-${String(i + 1).padStart(7, '0')},,  `)
  writeFileSync(file, `Code,Name,Price\n${rows.join('\n')}\n`)
})
afterAll(() => close?.())

const plan = (extra: string[]) =>
  cli.run([
    ...words(`plan --env sb --table product --source ${file}`),
    ...words('--map Code=productnumber,Name=name,Price=price'),
    ...extra
  ])

describe('plan and empty cells', () => {
  it('by default nothing is cleared: all unchanged, exit 0', async () => {
    const run = await plan(['--json'])
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ updates: 0, unchanged: 10, errors: 0, warnings: [] })
  })

  it('--empty clear: the required name is a row error; exit 1', async () => {
    const run = await plan(['--empty', 'clear'])
    expect(run.code, said(run)).toBe(1)
    expect(run.stdout).toMatch(/10 with errors/)
    expect(run.stdout).toMatch(
      /column 'Name' → name is empty, and name is required in Dataverse; fill the cell, or let empty cells of the column leave it as it is \("ignore"\)/
    )
  })

  it('--empty-column price=clear: the clear is planned and warned about', async () => {
    const run = await plan(['--empty-column', 'price=clear'])
    expect(run.code, said(run)).toBe(0)
    expect(run.stdout).toMatch(/10 updates/)
    expect(run.stdout).toMatch(
      /^Warning: This push would clear price in 10 of 10 rows \(100%\)\. If the source column is blank by mistake, fix the file/m
    )
  })

  it('bad rules are usage errors naming the flag', async () => {
    const [rule, column, noMap, empty] = await Promise.all([
      plan(['--empty-column', 'price=wipe']),
      plan(['--empty-column', 'fax=clear']),
      cli.run(words(`plan --env sb --table product --source ${file} --empty-column price=clear`)),
      plan(['--empty', 'nothing'])
    ])
    for (const run of [rule, column, noMap, empty]) {
      expect(run.code, said(run)).toBe(2)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    }
    expect(rule.stderr).toMatch(
      /--empty-column rule 'wipe' for price must be ignore, clear or default:VALUE/
    )
    expect(column.stderr).toMatch(/--empty-column names 'fax', which the mapping does not write/)
    expect(noMap.stderr).toMatch(
      /--empty-column sets rules on mapped columns: give the mapping with --map/
    )
    expect(empty.stderr).toMatch(/--empty must be ignore or clear \(got 'nothing'\)/)
  })
})
