// A pull in its own process, so a test can kill it at any moment (SIGKILL: no cleanup runs)
// and check that the next pull loses nothing. Prints "page N" after each committed page.
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import { openStore } from '../../src-main/store/open'
import { PullEngine } from '../../src-main/sync/pull'
import { sandboxAppToken } from './sandbox-token'

const { SANDBOX_URL, DATA_DIR, TABLE, PAGE_SIZE } = process.env as Record<string, string>
const appToken = (): Promise<string> => sandboxAppToken(SANDBOX_URL!)
const store = openStore(DATA_DIR!)
const environment = store.environments.byName('sandbox')!
const client = new DataverseClient({
  environmentUrl: SANDBOX_URL!,
  tokens: tokenSourceFrom(appToken)
})
const result = await new PullEngine({ store, client }).run({
  environment,
  table: TABLE!,
  maxPageSize: Number(PAGE_SIZE),
  onProgress: (p) => process.stdout.write(`page ${p.pages}\n`)
})
process.stdout.write(`done ${JSON.stringify(result)}\n`)
