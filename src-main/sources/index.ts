import type { Store } from '../store/open'
import { csvSource } from './csv'
import { checkFile } from './file'
import { defaultDelimiter, formatOf } from './format'
import { jsonSource } from './json'
import { mirrorSource } from './mirror'
import { ndjsonSource } from './ndjson'
import type { FileSourceOptions, RowSource } from './types'
import { xlsxSource } from './xlsx'

/**
 * Row sources: external rows as async iterables, for the planner (README.md beside this file).
 * A source is a recipe, not an open file: each rows() call opens, streams and closes the file.
 */
export type {
  FileSourceOptions,
  ReadOptions,
  RowSource,
  SourceDescription,
  SourceFormat,
  SourceRow,
  SourceRowError
} from './types'
export { SourceError, type SourceErrorCode, type SourcePlace } from './errors'
export { describeSource, encodingBasisText } from './describe'

/** A CSV, JSON, NDJSON or XLSX file; the format from the extension unless given. */
export async function openFileSource(
  file: string,
  options: FileSourceOptions = {}
): Promise<RowSource> {
  await checkFile(file)
  const format = formatOf(file, options.format)
  switch (format) {
    case 'csv':
      return csvSource(file, { ...options, delimiter: options.delimiter ?? defaultDelimiter(file) })
    case 'json':
      return jsonSource(file, options)
    case 'ndjson':
      return ndjsonSource(file, options)
    case 'xlsx':
      return xlsxSource(file, options)
  }
}

/** An environment's mirror of a table (environment-to-environment sync). */
export function openMirrorSource(store: Store, environmentId: number, table: string): RowSource {
  return mirrorSource(store, environmentId, table)
}
