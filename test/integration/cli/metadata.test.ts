import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliFolder } from '../../support/dvsync-cli'
import { project, setting, withDemoTables } from '../../support/doc-tables'
import type { Harness } from '../../support/sandbox-harness'

/**
 * `dvsync tables | columns | keys | key create | tracking enable` (shared/design/cli.md), the
 * real command in child processes against a sandbox in this process.
 */

let harness: Harness
let cli: CliFolder
let close: (() => Promise<void>) | undefined
beforeAll(async () => {
  ;({ harness, cli, close } = await cliOnSandbox({
    schema: withDemoTables(project, setting),
    keyActivationDelayMs: 300
  }))
})
afterAll(() => close?.())

describe('reading metadata', () => {
  it('tables, columns and keys, as JSON for scripts and as tables for people', async () => {
    const [tables, tablesText, columns, keys, noKeys] = await Promise.all([
      cli.run(words('tables --env sb --json')),
      cli.run(words('tables --env sb')),
      cli.run(words('columns --env sb --table contact --json')),
      cli.run(words('keys --env sb --table contact --json')),
      cli.run(words('keys --env sb --table new_project'))
    ])
    for (const run of [tables, tablesText, columns, keys, noKeys])
      expect(run.code, said(run)).toBe(0)

    const list = jsonOf(tables).tables as { logicalName: string }[]
    expect(list.find((t) => t.logicalName === 'account')).toMatchObject({
      entitySetName: 'accounts',
      primaryIdAttribute: 'accountid',
      changeTrackingEnabled: true,
      keys: [{ schemaName: 'AccountNumberKey', columns: ['accountnumber'], status: 'Active' }]
    })
    expect(tablesText.stdout).toMatch(/^table\s+entity set\s+primary id\s+tracking\s+keys\n-+/)
    expect(tablesText.stdout).toMatch(
      /\ncontact\s+contacts\s+contactid\s+on\s+employeeidkey\(employeeid\) nameemailkey\(firstname,emailaddress1\)\n/
    )
    expect(tablesText.stdout).toMatch(/\nnew_project\s+new_projects\s+new_projectid\s+off\s*\n/)
    expect(tablesText.stdout).toMatch(/\nnew_setting\s+new_settings\s+new_settingid\s+n\/a\s*\n/)

    const contact = jsonOf(columns)
    expect(contact.table).toBe('contact')
    const byName = new Map(
      (contact.columns as { logicalName: string }[]).map((c) => [c.logicalName, c])
    )
    expect(byName.get('birthdate')).toMatchObject({ type: 'DateTime', dateOnly: true })
    expect(byName.get('parentcustomerid')).toMatchObject({
      type: 'Customer',
      targets: ['account', 'contact']
    })
    expect(byName.get('gendercode')).toMatchObject({
      options: [
        { value: 1, label: 'Male' },
        { value: 2, label: 'Female' }
      ]
    })

    expect(jsonOf(keys)).toEqual({
      table: 'contact',
      keys: [
        expect.objectContaining({
          schemaName: 'EmployeeIdKey',
          columns: ['employeeid'],
          status: 'Active'
        }),
        expect.objectContaining({
          schemaName: 'NameEmailKey',
          columns: ['firstname', 'emailaddress1'],
          status: 'Active'
        })
      ]
    })
    expect(noKeys.stdout).toBe(
      "Table 'new_project' has no alternate keys. Create one with: dvsync key create --env sb --table new_project --name NAME --columns a,b\n"
    )
  })

  it('an unknown environment or table is bad input (exit 2) with a message that says what exists', async () => {
    const [table, tableJson, env, column, timeout] = await Promise.all([
      cli.run(words('columns --env sb --table nosuch')),
      cli.run(words('keys --env sb --table nosuch --json')),
      cli.run(words('tables --env nope')),
      cli.run(words('key create --env sb --table new_project --name new_K --columns nosuch')),
      cli.run(
        words('key create --env sb --table new_project --name new_K --columns a --timeout soon')
      )
    ])
    // Dataverse refusing the input (400) is bad input too: asking again would not help.
    expect(column.code, said(column)).toBe(2)
    expect(column.stderr).toMatch(/\(400 0x80048d19\): Column 'nosuch' does not exist/)
    expect(timeout.code, said(timeout)).toBe(2)
    expect(timeout.stderr).toMatch(/--timeout must be a number above 0 \(got 'soon'\)/)
    expect(table.code, said(table)).toBe(2)
    expect(table.stderr).toBe(
      "dvsync: There is no table 'nosuch' in this environment (Dataverse: Could not find an entity with LogicalName = 'nosuch'.). List the tables with: dvsync tables --env sb\n"
    )
    expect(table.stdout).toBe('')
    expect(tableJson.code, said(tableJson)).toBe(2)
    expect(jsonOf(tableJson).error).toEqual({
      exitCode: 2,
      message: expect.stringMatching(/^There is no table 'nosuch'/)
    })
    expect(env.code, said(env)).toBe(2)
    expect(env.stderr).toMatch(
      /There is no environment named 'nope'\. Known: sb\. Add one with: dvsync env add nope/
    )
  })
})

describe('changing metadata', () => {
  it('key create --wait waits for Active, and ends Failed with exit 1 over duplicated data', async () => {
    for (const [name, code] of [
      ['One', 'SAME'],
      ['Two', 'SAME']
    ])
      await harness.api('POST', 'new_projects', {
        body: { new_name: name, new_code1: name, new_code2: code }
      })
    const [unique, duplicated] = await Promise.all([
      cli.run(
        words(
          'key create --env sb --table new_project --name new_Code1Key --columns new_code1 --wait --json'
        )
      ),
      // The column list as people type it, with spaces: one argument.
      cli.run([
        ...words('key create --env sb --table new_project --name new_Code2Key --wait'),
        '--columns',
        ' new_code2 '
      ])
    ])
    expect(unique.code, said(unique)).toBe(0)
    expect(jsonOf(unique)).toEqual({
      table: 'new_project',
      key: expect.objectContaining({
        schemaName: 'new_Code1Key',
        columns: ['new_code1'],
        status: 'Active'
      })
    })
    expect(unique.stderr).toMatch(/^Key new_Code1Key: Pending…$/m)

    expect(duplicated.code, said(duplicated)).toBe(1)
    expect(duplicated.stderr).toMatch(
      /The index of key new_Code2Key failed: the table holds records with the same new_code2\. Remove the duplicates, then reactivate the key\./
    )
    const keys = jsonOf(await cli.run(words('keys --env sb --table new_project --json')))
    expect(
      keys.keys.map((k: { schemaName: string; status: string }) => [k.schemaName, k.status]).sort()
    ).toEqual([
      ['new_Code1Key', 'Active'],
      ['new_Code2Key', 'Failed']
    ])
  })

  it('tracking enable turns it on once, says when it already was, and refuses where it can’t be', async () => {
    const first = await cli.run(words('tracking enable --env sb --table new_project --json'))
    expect(first.code, said(first)).toBe(0)
    expect(jsonOf(first)).toEqual({
      table: 'new_project',
      changeTrackingEnabled: true,
      changed: true
    })
    const [again, refused] = await Promise.all([
      cli.run(words('tracking enable --env sb --table new_project')),
      cli.run(words('tracking enable --env sb --table new_setting'))
    ])
    expect(again.code, said(again)).toBe(0)
    expect(again.stdout).toBe('Change tracking was already on for new_project.\n')
    expect(refused.code, said(refused)).toBe(2)
    expect(refused.stderr).toMatch(
      /does not allow change tracking on 'new_setting' \(CanChangeTrackingBeEnabled is false\)/
    )
  })

  it('a Failed key: its duplicates from the mirror, reactivated once they are gone, deleted', async () => {
    // Issue 12, item 10: a Failed key was a dead end.
    const notMirrored = await cli.run(
      words('key duplicates --env sb --table new_project --name new_Code2Key')
    )
    expect(notMirrored.code, said(notMirrored)).toBe(2)
    expect(notMirrored.stderr).toMatch(
      /not mirrored, so its duplicates can't be listed here\. Pull it first: dvsync pull --env sb --table new_project/
    )
    const pulled = await cli.run(words('pull --env sb --table new_project'))
    expect(pulled.code, said(pulled)).toBe(0)
    const listed = await cli.run(
      words('key duplicates --env sb --table new_project --name new_code2key --json')
    )
    expect(listed.code, said(listed)).toBe(0)
    const found = jsonOf(listed)
    expect(found).toMatchObject({
      key: 'new_Code2Key',
      duplicates: [{ values: ['SAME'], records: 2 }]
    })
    expect(found.duplicates).toHaveLength(1)
    const text = await cli.run(
      words('key duplicates --env sb --table new_project --name new_Code2Key')
    )
    expect(text.stdout).toMatch(/^SAME +2 /m)

    // Reactivating while the duplicates are still there fails again, and says what to do.
    const early = await cli.run(
      words('key reactivate --env sb --table new_project --name new_Code2Key --wait')
    )
    expect(early.code, said(early)).toBe(1)
    expect(early.stderr).toMatch(
      /See them with: dvsync key duplicates --env sb --table new_project/
    )

    const [twin] = found.duplicates[0].ids as string[]
    await harness.api('PATCH', `new_projects(${twin})`, { body: { new_code2: 'UNIQUE' } })
    const fixed = await cli.run(
      words('key reactivate --env sb --table new_project --name new_Code2Key --wait --json')
    )
    expect(fixed.code, said(fixed)).toBe(0)
    expect(jsonOf(fixed).key).toMatchObject({ schemaName: 'new_Code2Key', status: 'Active' })
    const active = await cli.run(
      words('key reactivate --env sb --table new_project --name new_Code2Key')
    )
    expect(active.code, said(active)).toBe(2)
    expect(active.stderr).toMatch(/is Active; only a key whose index failed can be reactivated/)

    const deleted = await cli.run(
      words('key delete --env sb --table new_project --name new_Code2Key --json')
    )
    expect(deleted.code, said(deleted)).toBe(0)
    expect(jsonOf(deleted)).toEqual({ table: 'new_project', deleted: 'new_Code2Key' })
    const keys = jsonOf(await cli.run(words('keys --env sb --table new_project --json')))
    expect(keys.keys.map((k: { schemaName: string }) => k.schemaName)).toEqual(['new_Code1Key'])
    const again = await cli.run(
      words('key delete --env sb --table new_project --name new_Code2Key')
    )
    expect(again.code, said(again)).toBe(2)
    expect(again.stderr).toMatch(/has no alternate key 'new_Code2Key'\. Its keys: new_Code1Key\./)
  })
})
