import { once } from 'node:events'
import type { Writable } from 'node:stream'
import type { RunReport } from './model'

/**
 * The complete run as one JSON document: the header's fields, then `"records": [...]` written a
 * record per line as they are read (run-report.schema.json describes it). Returns the records.
 */
export async function renderJson(
  report: RunReport,
  out: Writable,
  onRecord?: (n: number) => void
): Promise<number> {
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  const head = JSON.stringify(report.header, null, 2)
  await write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "records": [`)
  let n = 0
  for (const record of report.records()) {
    await write(`${n ? ',' : ''}\n    ${JSON.stringify(record)}`)
    n += 1
    onRecord?.(n)
  }
  out.end(`${n ? '\n  ' : ''}]\n}\n`)
  await once(out, 'finish')
  return n
}
