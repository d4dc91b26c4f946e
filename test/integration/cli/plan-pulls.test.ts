import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../../src-main/store/open'
import { cliOnSandbox, jsonOf, said, words, type CliOnSandbox } from '../../support/dvsync-cli'

/**
 * The delta pulls a plan, an apply and an undo make (issue 12, item 8): they flooded the history
 * (53 runs after a short session, most of them empty pulls) and `dvsync changes` then showed one
 * of them. They are now filed under their run and listed with it; `changes` shows the last pull
 * that changed something and says which.
 */

let sb: CliOnSandbox
beforeAll(async () => {
  sb = await cliOnSandbox({ accounts: 1, contacts: 1, products: 20 })
})
afterAll(() => sb.close())

describe('pulls made by plans, applies and undos', () => {
  it('are not listed among the pulls; the plan run lists its own', async () => {
    const { cli, harness } = sb
    const pulled = await cli.run(words('pull --env sb --table product'))
    expect(pulled.code, said(pulled)).toBe(0)
    await harness.api('PATCH', "products(productnumber='PRD-0000004')", {
      body: { name: 'Renamed in Dataverse' }
    })
    const file = join(cli.dataDir, 'products.csv')
    writeFileSync(file, 'Code,Name\nPRD-0000001,Renamed by the ERP\n')
    const plan = await cli.run(
      words(
        `plan --env sb --table product --source ${file} --map Code=productnumber,Name=name --json`
      )
    )
    expect(plan.code, said(plan)).toBe(0)
    const { planId } = jsonOf(plan) as { planId: number }
    const again = await cli.run(
      words(`plan --env sb --table product --source ${file} --map Code=productnumber,Name=name`)
    )
    expect(again.code, said(again)).toBe(0)
    // push = one more plan and its apply, each with its own delta pull.
    const pushed = await cli.run(
      words(
        `push --env sb --table product --source ${file} --map Code=productnumber,Name=name --yes`
      )
    )
    expect(pushed.code, said(pushed)).toBe(0)

    const pulls = jsonOf(await cli.run(words('runs --kind pull --json'))) as {
      runs: { runId: number; kind: string }[]
    }
    // Only the pull the admin started; the four delta pulls (three plans, one apply) are parts.
    expect(pulls.runs).toHaveLength(1)
    const all = jsonOf(await cli.run(words('runs --json'))) as { runs: { kind: string }[] }
    expect(all.runs.map((r) => r.kind).sort()).toEqual(['apply', 'plan', 'plan', 'plan', 'pull'])

    const store = openStore(cli.dataDir)
    try {
      const planRun = store.plans.runIdOf(planId)!
      const parts = store.runs.parts(planRun)
      expect(parts).toHaveLength(1)
      expect(parts[0]).toMatchObject({ kind: 'pull', tableName: 'product', mode: 'delta' })
      // The plan's pull brought the edit made in Dataverse, and the plan run says so.
      expect(store.runs.get(planRun)!.details['pulls']).toEqual([
        expect.objectContaining({ runId: parts[0]!.id, table: 'product', updated: 1 })
      ])
    } finally {
      store.close()
    }

    // `changes` shows the last pull that changed something: the first plan's, which says so.
    const changes = await cli.run(words('changes --env sb --table product'))
    expect(changes.code, said(changes)).toBe(0)
    expect(changes.stdout).toMatch(
      /^Changes of pull \d+ \(delta, [^)]+, made for run \d+\), the last pull of product that changed something:/
    )
    expect(changes.stdout).toMatch(/updated\s+PRD-0000004/)
  })
})
