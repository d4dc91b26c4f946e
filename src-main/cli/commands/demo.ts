import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { stringify } from 'csv-stringify/sync'
import { createServices } from '../../app/services'
import { startSandbox } from '../../sandbox/index'
import { openFileSource } from '../../sources/index'
import { pushSettings } from '../../sync/push-settings'
import { count } from '../format'
import type { CommandContext } from '../main'
import { wholeNumber } from '../numbers'
import { sampleLines } from './plan-show'

interface DemoFlags {
  products: number
  dataDir?: string
}

/**
 * `dvsync demo`: the whole loop against an in-process sandbox (cli.md) — catalogue, initial
 * pull, an ERP export with changed, new and removed products, preview, apply, delta pull — in a
 * throw-away data folder, printing what each step did and what it cost.
 */
export function registerDemo(program: Command, context: CommandContext): void {
  program
    .command('demo')
    .description('Run the end-to-end scenario against a built-in sandbox and print what it did.')
    .option(
      '--products <n>',
      'products in the sandbox catalogue',
      wholeNumber('--products', 1, 1_000_000),
      5000
    )
    .action(async (flags: DemoFlags) => {
      const say = (line: string): void => context.output.info(line)
      const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-demo-'))
      const sandbox = await startSandbox({ products: flags.products, faults: { latencyMs: 20 } })
      const services = createServices({
        dataDir,
        openBrowser: async () => undefined,
        log: () => undefined
      })
      const steps: Record<string, unknown> = { dataDir, sandbox: sandbox.url }
      try {
        say(
          `Sandbox with ${count(flags.products)} products at ${sandbox.url} (20 ms latency per request); data folder ${dataDir}`
        )
        const environment = services.store.environments.add({
          name: 'demo',
          url: sandbox.url,
          authKind: 'sandbox'
        })

        const initial = await services
          .pullEngine(environment)
          .run({ environment, table: 'product' })
        steps['initialPull'] = initial
        say(
          `1. Initial pull: ${count(initial.created)} products into the mirror with ${initial.requests} requests in ${count(initial.durationMs)} ms.`
        )

        const mirror = services.store.mirrors.find(environment.id, 'product')!
        const rows = [...services.store.mirrors.rows(mirror).iterate()].map(
          (r) => JSON.parse(r.data) as Record<string, unknown>
        )
        const erp = rows.slice(5).map((p, i) => ({
          SKU: p['productnumber'],
          Name: i % 250 === 0 ? `${String(p['name'])} (new name)` : p['name'],
          Price: i % 100 === 0 ? Number(p['price']) + 10 : p['price']
        }))
        for (let i = 1; i <= 10; i++)
          erp.push({
            SKU: `ERP-${String(i).padStart(4, '0')}`,
            Name: `New ERP product ${i}`,
            Price: 19.9 + i
          })
        const file = join(dataDir, 'erp-export.csv')
        writeFileSync(file, stringify(erp, { header: true }))
        say(
          `2. ERP export written: ${count(erp.length)} rows (some renamed or repriced, 10 new, 5 products missing) → ${file}`
        )

        const plan = await services.planEngine(environment).run({
          environment,
          settings: pushSettings({
            table: 'product',
            mapping: [
              { source: 'SKU', target: 'productnumber' },
              { source: 'Name', target: 'name' },
              { source: 'Price', target: 'price' }
            ],
            missing: 'deactivate'
          }),
          source: await openFileSource(file)
        })
        steps['plan'] = { planId: plan.planId, counts: plan.counts, durationMs: plan.durationMs }
        const c = plan.counts
        say(
          `3. Preview (plan ${plan.planId}): ${c.create} to create, ${c.update} to update, ${c.deactivate} to deactivate, ${count(c.unchanged)} unchanged, ${c.error} errors — nothing written yet.`
        )
        // The same sample `dvsync plan` prints, with the same diff formatter (plan-diff.ts).
        for (const line of sampleLines(services.store, plan.planId)) say(`   ${line}`)

        const applied = await services
          .applyEngine(environment)
          .run({ environment, planId: plan.planId })
        steps['apply'] = applied
        say(
          `4. Apply: ${applied.created} created, ${applied.updated} updated, ${applied.deactivated} deactivated, ${applied.failed} failed, with ${applied.requests} requests in ${count(applied.durationMs)} ms.`
        )

        const delta = await services.pullEngine(environment).run({ environment, table: 'product' })
        steps['deltaPull'] = delta
        say(
          `5. Delta pull: ${delta.created} created, ${delta.updated} updated, ${delta.deleted} deleted — ${delta.requests} request(s) in ${count(delta.durationMs)} ms, instead of re-reading ${count(rows.length)} rows.`
        )

        const again = await services
          .planEngine(environment)
          .run({ environment, settings: plan.settings, source: await openFileSource(file) })
        steps['secondPlan'] = again.counts
        say(
          `6. Pushing the same export again: ${again.counts.create + again.counts.update + again.counts.deactivate} writes planned — Dataverse already matches.`
        )
        context.output.result(
          steps,
          () => `Demo done. Run history and reports: dvsync runs --data-dir ${dataDir}`
        )
      } finally {
        services.close()
        await sandbox.close()
      }
    })
}
