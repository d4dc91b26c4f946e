// Baseline: page through a table and throw the rows away — the fastest any client can read.
import { sandboxAppToken } from '../../support/sandbox-token'

const { SANDBOX_URL, ENTITY_SET } = process.env as Record<string, string>
const token = await sandboxAppToken(SANDBOX_URL!)
const started = performance.now()
let url: string | undefined = `${SANDBOX_URL}/api/data/v9.2/${ENTITY_SET}`
let rows = 0
let requests = 0
let firstPageMs = 0
while (url) {
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${token}`, Prefer: 'odata.maxpagesize=5000' }
  })
  const body = (await response.json()) as { value: unknown[]; '@odata.nextLink'?: string }
  rows += body.value.length
  requests += 1
  if (requests === 1) firstPageMs = performance.now() - started
  url = body['@odata.nextLink']
}
const ms = performance.now() - started
process.stdout.write(
  `${JSON.stringify({ rows, requests, ms, firstPageMs, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`
)
