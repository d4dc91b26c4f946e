// Baseline: read every row of a source file and do nothing with it.
import { openFileSource } from '../../../src-main/sources/index'

const started = performance.now()
let rows = 0
for await (const _row of (await openFileSource(process.env['FILE']!)).rows()) rows += 1
process.stdout.write(
  `${JSON.stringify({ rows, ms: performance.now() - started, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`
)
