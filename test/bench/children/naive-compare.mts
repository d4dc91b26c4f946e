// What a sync without change tracking does every night: read the whole table again and compare
// every row with the copy kept from last time (SNAPSHOT, one JSON row per line).
import { readFileSync, writeFileSync } from 'node:fs'
import { sandboxAppToken } from '../../support/sandbox-token'

const { SANDBOX_URL, ENTITY_SET, PRIMARY_ID, SNAPSHOT, MODE } = process.env as Record<
  string,
  string
>
const token = await sandboxAppToken(SANDBOX_URL!)
const readAll = async (): Promise<{ rows: Map<string, string>; requests: number }> => {
  const rows = new Map<string, string>()
  let requests = 0
  let url: string | undefined = `${SANDBOX_URL}/api/data/v9.2/${ENTITY_SET}`
  while (url) {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Prefer: 'odata.maxpagesize=5000' }
    })
    const body = (await response.json()) as {
      value: Record<string, unknown>[]
      '@odata.nextLink'?: string
    }
    for (const row of body.value) rows.set(String(row[PRIMARY_ID!]), JSON.stringify(row))
    requests += 1
    url = body['@odata.nextLink']
  }
  return { rows, requests }
}
if (MODE === 'snapshot') {
  const { rows } = await readAll()
  writeFileSync(SNAPSHOT!, [...rows.values()].join('\n'))
  process.stdout.write(`${JSON.stringify({ rows: rows.size })}\n`)
} else {
  const started = performance.now()
  const previous = new Map<string, string>()
  for (const line of readFileSync(SNAPSHOT!, 'utf8').split('\n')) {
    if (line) previous.set(String((JSON.parse(line) as Record<string, unknown>)[PRIMARY_ID!]), line)
  }
  const { rows, requests } = await readAll()
  let created = 0
  let updated = 0
  for (const [id, row] of rows) {
    const before = previous.get(id)
    if (before === undefined) created += 1
    else if (before !== row) updated += 1
    previous.delete(id)
  }
  const ms = performance.now() - started
  process.stdout.write(
    `${JSON.stringify({ created, updated, deleted: previous.size, requests, ms })}\n`
  )
}
