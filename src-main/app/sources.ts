import type { ScalarValue } from '../../src-shared/schemas/common'
import type { SourceInspection } from '../../src-shared/schemas/push'
import type { SourceSettings } from '../../src-shared/model/push'
import { encodingBasisText, SourceError, type RowSource } from '../sources/index'
import { AppError } from './errors'
import type { FileGrants } from './file-grants'
import { SOURCE_FILTERS, type Platform } from './platform'
import { openPushSource } from './push-source'
import type { Services } from './services'
import { scalar } from './pull-changes'

export interface SourcesDeps {
  services: Services
  platform: Platform
  grants: FileGrants
}

/** Source errors and the form field they belong to. */
const FIELD_OF: Partial<Record<SourceError['code'], string>> = {
  'missing-sheet': 'sheet',
  'unreadable-encoding': 'encoding',
  'unknown-format': 'format'
}

/** Opens a push's rows for the app: a file the admin may read, with source errors as field errors. */
export async function openGrantedSource(
  deps: SourcesDeps,
  source: SourceSettings,
  field = 'source'
): Promise<RowSource> {
  deps.grants.check(source.file, `${field}.file`)
  try {
    return await openPushSource(deps.services, source)
  } catch (err) {
    throw asFieldError(err, field)
  }
}

export function asFieldError(err: unknown, field: string): unknown {
  if (!(err instanceof SourceError)) return err
  return new AppError('INVALID_INPUT', err.message, `${field}.${FIELD_OF[err.code] ?? 'file'}`)
}

/** The Profiles screen's source picker: the open dialog, and a look at what was picked. */
export class SourcesService {
  constructor(private readonly deps: SourcesDeps) {}

  async pick(): Promise<{ file: string | null }> {
    const file = await this.deps.platform.openFile({
      title: 'Choose the rows to push',
      filters: SOURCE_FILTERS
    })
    return { file: file === undefined ? null : this.deps.grants.grant(file) }
  }

  /** Columns, sheets and the first rows (error rows included) of a source. */
  async inspect(settings: SourceSettings, rows = 20): Promise<SourceInspection> {
    const source = await openGrantedSource(this.deps, settings, 'source')
    try {
      const description = await source.describe()
      const preview = await source.preview(rows)
      return {
        file: settings.file,
        format: description.format,
        columns: description.columns,
        encoding: description.encoding ?? null,
        encodingBasis: description.encodingBasis
          ? encodingBasisText(description.encodingBasis)
          : null,
        warnings: description.warnings ?? [],
        delimiter: description.delimiter ?? null,
        sheet: description.sheet ?? null,
        sheets: description.sheets ?? [],
        rows: preview.map((row) => ({
          row: row.row,
          location: row.location,
          values: Object.fromEntries(
            Object.entries(row.values).map(([k, v]): [string, ScalarValue] => [k, scalar(v)])
          ),
          error: row.error ? row.error.message : null
        }))
      }
    } catch (err) {
      throw asFieldError(err, 'source')
    }
  }
}
