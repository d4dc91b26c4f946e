import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../../src-main/store/open'
import { cliOnSandbox, jsonOf, said, words, type CliFolder } from '../../support/dvsync-cli'
import type { Harness } from '../../support/sandbox-harness'

/**
 * `dvsync pull --profile NAME`: the nightly job a scheduler runs by name. The real command in
 * child processes against a sandbox in this process: the profile's table and columns are pulled,
 * the run is filed under the profile, flags beside it override it, and what can't be pulled by
 * profile is exit 2 with what to do.
 */

let harness: Harness
let cli: CliFolder
let close: (() => Promise<void>) | undefined
beforeAll(async () => {
  ;({ harness, cli, close } = await cliOnSandbox({ accounts: 3, contacts: 6, products: 5 }))
})
afterAll(() => close?.())

const mirrorColumns = (table: string): string[] => {
  const store = openStore(cli.dataDir)
  try {
    const environment = store.environments.byName('sb')!
    return [...store.mirrors.find(environment.id, table)!.columns].sort()
  } finally {
    store.close()
  }
}

describe('dvsync pull --profile', () => {
  it('pulls the profile’s table with its columns and files the run under the profile', async () => {
    const saved = await cli.run(
      words('profile save nightly-contacts --kind pull --env sb --table contact --columns fullname')
    )
    expect(saved.code, said(saved)).toBe(0)

    const run = await cli.run(words('pull --profile nightly-contacts --json'))
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ table: 'contact', mode: 'initial', created: 6 })
    // fullname, and the alternate keys' columns the mirror keeps to match records by.
    expect(mirrorColumns('contact')).toContain('fullname')
    expect(mirrorColumns('contact')).not.toContain('jobtitle')

    const runs = jsonOf(await cli.run(words('runs --profile nightly-contacts --json')))
    expect(runs.runs).toHaveLength(1)
    expect(runs.runs[0]).toMatchObject({ kind: 'pull', table: 'contact' })

    // The next night: only what changed (fullname follows lastname), still under the profile.
    await harness.api('PATCH', `contacts(employeeid='E-00002')`, { body: { lastname: 'Renamed' } })
    const next = jsonOf(await cli.run(words('pull --profile nightly-contacts --json')))
    expect(next).toMatchObject({ mode: 'delta', created: 0, updated: 1, deleted: 0 })
    expect(
      jsonOf(await cli.run(words('runs --profile nightly-contacts --json'))).runs
    ).toHaveLength(2)
  })

  it('flags beside --profile override it: more columns resync the mirror to fill them', async () => {
    const run = await cli.run(
      words('pull --profile nightly-contacts --columns fullname,jobtitle --json')
    )
    expect(run.code, said(run)).toBe(0)
    expect(jsonOf(run)).toMatchObject({ table: 'contact', mode: 'resync', updated: 6 })
    expect(mirrorColumns('contact')).toContain('jobtitle')
  })

  it('no profile, a push profile, or nothing to pull: exit 2 saying what to do', async () => {
    const source = join(cli.dataDir, 'products.csv')
    writeFileSync(source, 'productnumber,name\nPRD-0000001,A\n')
    const push = await cli.run([
      ...words('profile save catalogue --env sb --table product --source'),
      source
    ])
    expect(push.code, said(push)).toBe(0)
    const [missing, pushProfile, nothing] = await Promise.all([
      cli.run(words('pull --profile nosuch')),
      cli.run(words('pull --profile catalogue')),
      cli.run(words('pull --table contact'))
    ])
    expect(missing.code, said(missing)).toBe(2)
    expect(missing.stderr).toContain(
      "There is no pull profile named 'nosuch' (see: dvsync profile list)."
    )
    expect(pushProfile.code, said(pushProfile)).toBe(2)
    expect(pushProfile.stderr).toContain(
      "'catalogue' is a push profile; a pull needs a pull profile"
    )
    expect(nothing.code, said(nothing)).toBe(2)
    expect(nothing.stderr).toContain(
      'Say what to pull: --env NAME --table LOGICAL, or --profile NAME.'
    )
  })
})
