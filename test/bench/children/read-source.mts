// Reads every row of one file source (FILE, optional SHEET) and reports the rate, the time to the
// first row and this process's peak RSS: the memory a source needs, measured alone.
import { openFileSource } from '../../../src-main/sources/index'

const { FILE, SHEET } = process.env as Record<string, string>
const started = performance.now()
const source = await openFileSource(FILE!, SHEET ? { sheet: SHEET } : {})
let rows = 0
let errors = 0
let firstRowMs = 0
for await (const row of source.rows()) {
  if (rows === 0) firstRowMs = performance.now() - started
  rows += 1
  if (row.error) errors += 1
}
const ms = performance.now() - started
process.stdout.write(
  `${JSON.stringify({ rows, errors, ms, firstRowMs, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`
)
