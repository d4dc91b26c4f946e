// An apply in its own process, so a test can kill it mid-way (SIGKILL) and resume it.
// Prints "done N" after each chunk whose outcomes are journaled.
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import { openStore } from '../../src-main/store/open'
import { ApplyEngine } from '../../src-main/sync/apply'
import { sandboxAppToken } from './sandbox-token'

const { SANDBOX_URL, DATA_DIR, PLAN_ID, BATCH } = process.env as Record<string, string>
const store = openStore(DATA_DIR!)
const environment = store.environments.byName('sandbox')!
const client = new DataverseClient({
  environmentUrl: SANDBOX_URL!,
  tokens: tokenSourceFrom(() => sandboxAppToken(SANDBOX_URL!))
})
await new ApplyEngine({ store, client }).run({
  environment,
  planId: Number(PLAN_ID),
  batchSize: Number(BATCH),
  parallelism: 2,
  onProgress: (p) => process.stdout.write(`done ${p.done}\n`)
})
process.stdout.write('finished\n')
