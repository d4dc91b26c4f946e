// What a simple script does: one upsert PATCH per record, in sequence.
import { sandboxAppToken } from '../../support/sandbox-token'

const { SANDBOX_URL, COUNT, PREFIX } = process.env as Record<string, string>
const token = await sandboxAppToken(SANDBOX_URL!)
const started = performance.now()
for (let i = 0; i < Number(COUNT); i++) {
  const response = await fetch(
    `${SANDBOX_URL}/api/data/v9.2/products(productnumber='${PREFIX}${i}')`,
    {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: `Naive ${i}`, price: i })
    }
  )
  if (!response.ok) throw new Error(`PATCH failed: ${response.status}`)
}
process.stdout.write(
  `${JSON.stringify({ records: Number(COUNT), ms: performance.now() - started })}\n`
)
