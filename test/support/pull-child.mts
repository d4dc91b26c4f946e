// A pull in its own process, so a test can kill it at any moment (SIGKILL: no cleanup runs)
// and check that the next pull loses nothing. Prints "page N" after each committed page.
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import { openStore } from '../../src-main/store/open'
import { PullEngine } from '../../src-main/sync/pull'

const { SANDBOX_URL, DATA_DIR, TABLE, PAGE_SIZE } = process.env as Record<string, string>
const info = (await (await fetch(`${SANDBOX_URL}/_sandbox/info`)).json()) as Record<string, string>
const appToken = async (): Promise<string> => {
  const response = await fetch(info['tokenEndpoint']!, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: info['clientId']!,
      client_secret: info['clientSecret']!,
      scope: `${SANDBOX_URL}/.default`
    })
  })
  return ((await response.json()) as { access_token: string }).access_token
}
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
