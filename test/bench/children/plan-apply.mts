// Plan (and optionally apply) a CSV against a sandbox, as `dvsync plan`/`apply` do, timing each.
import { DataverseClient } from '../../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../../src-main/dataverse/token-source'
import { openFileSource } from '../../../src-main/sources/index'
import { openStore } from '../../../src-main/store/open'
import { ApplyEngine } from '../../../src-main/sync/apply'
import { PlanEngine } from '../../../src-main/sync/plan'
import { PullEngine } from '../../../src-main/sync/pull'
import { parseMapping, pushSettings } from '../../../src-main/sync/push-settings'
import { sandboxAppToken } from '../../support/sandbox-token'

const { SANDBOX_URL, DATA_DIR, FILE, MAP, STEP, BATCH } = process.env as Record<string, string>
const token = await sandboxAppToken(SANDBOX_URL!)
const store = openStore(DATA_DIR!)
const environment =
  store.environments.byName('bench') ??
  store.environments.add({ name: 'bench', url: SANDBOX_URL!, authKind: 'sandbox' })
const client = new DataverseClient({
  environmentUrl: SANDBOX_URL!,
  tokens: tokenSourceFrom(async () => token)
})
let out: Record<string, unknown> = {}
if (STEP === 'pull') {
  await new PullEngine({ store, client }).run({ environment, table: 'product' })
} else {
  let started = performance.now()
  const plan = await new PlanEngine({ store, client }).run({
    environment,
    settings: pushSettings({
      table: 'product',
      mapping: parseMapping(MAP!),
      batchSize: Number(BATCH ?? 250)
    }),
    source: await openFileSource(FILE!)
  })
  out = { planMs: performance.now() - started, counts: plan.counts }
  if (STEP === 'plan-apply') {
    const before = client.metrics.snapshot()
    started = performance.now()
    const result = await new ApplyEngine({ store, client }).run({
      environment,
      planId: plan.planId
    })
    out = {
      ...out,
      applyMs: performance.now() - started,
      created: result.created,
      updated: result.updated,
      writeRequests: client.metrics.since(before).requests
    }
  }
}
store.close()
process.stdout.write(
  `${JSON.stringify({ ...out, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`
)
