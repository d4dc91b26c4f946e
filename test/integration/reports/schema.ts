import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'

/** The JSON report's schema, compiled once by ajv (strict mode: the schema itself is checked too). */
const SCHEMA = fileURLToPath(
  new URL('../../../src-main/reports/run-report.schema.json', import.meta.url)
)

const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)

export const validateReport = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object)
