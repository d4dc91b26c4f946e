import { extname } from 'node:path'
import { SourceError } from './errors'
import type { FileSourceOptions } from './types'

type FileFormat = NonNullable<FileSourceOptions['format']>

/** Extensions known by their usual meaning; .tsv is CSV with tabs, .jsonl the other NDJSON name. */
const BY_EXTENSION: Record<string, FileFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.xlsx': 'xlsx',
  '.xlsm': 'xlsx'
}

const FORMATS: readonly FileFormat[] = ['csv', 'json', 'ndjson', 'xlsx']

export function formatOf(file: string, given: string | undefined): FileFormat {
  if (given !== undefined) {
    if ((FORMATS as readonly string[]).includes(given)) return given as FileFormat
    throw new SourceError(
      'bad-option',
      { source: file },
      `'${given}' is not a source format: use ${FORMATS.join(', ')}.`
    )
  }
  const extension = extname(file).toLowerCase()
  const format = BY_EXTENSION[extension]
  if (format) return format
  const known = Object.keys(BY_EXTENSION).join(', ')
  throw new SourceError(
    'unknown-format',
    { source: file },
    extension === '.xls'
      ? 'this is an old Excel .xls workbook: save it from Excel as .xlsx (or export the sheet as CSV).'
      : `the extension ${extension ? `'${extension}'` : '(none)'} is not one of ${known}: rename the file, or give the format (${FORMATS.join(', ')}).`
  )
}

/** A .tsv file is tab-separated unless told otherwise. */
export const defaultDelimiter = (file: string): string | undefined =>
  extname(file).toLowerCase() === '.tsv' ? '\t' : undefined
