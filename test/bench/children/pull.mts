// One pull of a table into the mirror in DATA_DIR, as `dvsync pull` does it.
import { DataverseClient } from '../../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../../src-main/dataverse/token-source'
import { openStore } from '../../../src-main/store/open'
import { PullEngine } from '../../../src-main/sync/pull'
import { sandboxAppToken } from '../../support/sandbox-token'

const { SANDBOX_URL, DATA_DIR, TABLE } = process.env as Record<string, string>
const token = await sandboxAppToken(SANDBOX_URL!)
const store = openStore(DATA_DIR!)
const environment =
  store.environments.byName('bench') ??
  store.environments.add({ name: 'bench', url: SANDBOX_URL!, authKind: 'sandbox' })
const client = new DataverseClient({
  environmentUrl: SANDBOX_URL!,
  tokens: tokenSourceFrom(async () => token)
})
const started = performance.now()
const result = await new PullEngine({ store, client }).run({ environment, table: TABLE! })
const ms = performance.now() - started
store.close()
process.stdout.write(
  `${JSON.stringify({ ...result, rows: result.created + result.updated + result.deleted + result.unchanged, ms, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`
)
