import { errors } from '../http/errors'
import type { RequestContext } from '../http/api-types'
import { parseSelect } from '../odata/query-options'
import type { ColumnModel, TableModel } from '../schema/model'
import { annotationMatcher, annotator } from './annotations'
import { rowToJson, selectedColumns } from './row-json'
import { columnsByJsonNames } from './row-resolver'
import type { Row } from '../storage/table-store'

/** System query options the sandbox knows; anything else starting with $ is refused. */
const KNOWN_OPTIONS = new Set([
  '$select',
  '$filter',
  '$orderby',
  '$top',
  '$count',
  '$expand',
  '$skiptoken',
  '$deltatoken',
  '$apply',
  '$format'
])

export function checkKnownOptions(query: URLSearchParams): void {
  for (const name of query.keys()) {
    if (name.startsWith('$') && !KNOWN_OPTIONS.has(name)) {
      throw errors.uriParse(`The query parameter '${name}' is not supported.`)
    }
  }
  if (query.has('$apply')) {
    throw errors.uriParse('$apply (aggregation) is not supported by the sandbox.')
  }
}

/**
 * $expand on table rows is not emulated. Refused everywhere rather than ignored: an ignored
 * expansion would look like an empty relationship. (On PATCH with return=representation the
 * service itself ignores $expand, §8.5, so writes don't call this.)
 */
export function refuseExpand(query: URLSearchParams): void {
  if (query.has('$expand')) {
    throw errors.uriParse(
      '$expand on table rows is not supported by the sandbox; query the related table instead.'
    )
  }
}

/** The $select of the request as columns, or undefined for "all columns". */
export function selection(
  table: TableModel,
  query: URLSearchParams
): { columns?: ColumnModel[]; text?: string } {
  const text = query.get('$select')
  if (text === null) return {}
  const names = parseSelect(text)
  const columns = columnsByJsonNames(table, names)
  if (typeof columns === 'string') throw errors.unknownProperty(table.logicalName, columns)
  return { columns, text: names.join(',') }
}

/** Serialises rows of a table for this request: selected columns, requested annotations. */
export function rowWriter(ctx: RequestContext, table: TableModel, select?: readonly ColumnModel[]) {
  const columns = selectedColumns(table, select)
  const wants = annotationMatcher(ctx.prefs)
  const annotate = wants ? annotator(ctx.state, wants) : undefined
  return (row: Row): Record<string, unknown> =>
    rowToJson(table, row, columns, annotate ? { annotate } : {})
}

/** `Preference-Applied` for the preferences the response honoured. */
export function preferenceApplied(ctx: RequestContext, applied: string[]): Record<string, string> {
  const annotations = ctx.prefs.get('odata.include-annotations')
  if (annotations) applied.push(`odata.include-annotations="${annotations}"`)
  return applied.length ? { 'Preference-Applied': applied.join(',') } : {}
}
