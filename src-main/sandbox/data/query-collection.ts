import type { ApiResponse, RequestContext } from '../http/api-types'
import { errors } from '../http/errors'
import { json, text } from '../http/responses'
import { readSkipToken, writeSkipToken } from '../odata/paging-cookie'
import { pageSizeOf } from '../odata/prefer'
import {
  collectAliases,
  compileFilter,
  parseCount,
  parseOrderBy,
  parseTop
} from '../odata/query-options'
import type { TableModel } from '../schema/model'
import type { Row, SortTerm } from '../storage/table-store'
import {
  checkKnownOptions,
  preferenceApplied,
  refuseExpand,
  rowWriter,
  selection
} from './query-options-use'
import { annotationMatcher } from './annotations'
import { rowResolver } from './row-resolver'

/** `@odata.count` and `/$count` stop at 5,000 (reference §8.3). */
const COUNT_LIMIT = 5000

/** Link to the next page: the request URL as sent, with the new $skiptoken. */
export function nextLink(ctx: RequestContext, skipToken: string): string {
  const url = new URL(ctx.req.url.href)
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((p) => p && !/^(\$|%24)skiptoken=/i.test(p))
  kept.push(`$skiptoken=${encodeURIComponent(skipToken)}`)
  return `${url.origin}${url.pathname}?${kept.join('&')}`
}

/**
 * GET on an entity set: $select, $filter, $orderby, $top, $count, and paging by
 * `Prefer: odata.maxpagesize` with `@odata.nextLink` (reference §8.2–8.4). Rows stream from
 * SQLite in sort order; the filter runs as they come, so a page costs what it returns.
 */
export function queryCollection(
  ctx: RequestContext,
  table: TableModel,
  restrict?: (row: Row) => boolean
): ApiResponse {
  const { query } = ctx
  checkKnownOptions(query)
  refuseExpand(query)
  const { columns, text: selectText } = selection(table, query)
  const resolver = rowResolver(ctx.state, table)
  const aliases = collectAliases(query)
  const filterText = query.get('$filter')
  const filter = filterText !== null ? compileFilter(filterText, resolver, aliases) : undefined
  const orderText = query.get('$orderby')
  const order = orderText !== null ? parseOrderBy(orderText, resolver) : []
  const terms: SortTerm[] = []
  for (const term of order) {
    if (term.path.length !== 1)
      throw errors.uriParse('The sandbox orders by columns of the table only.')
    const column = table.columnsByJsonName.get(term.path[0]!)!
    if (!terms.some((t) => t.column === column.name))
      terms.push({ column: column.name, descending: term.descending })
  }
  if (!terms.some((t) => t.column === table.primaryId))
    terms.push({ column: table.primaryId, descending: false })

  const page = pageSizeOf(ctx.prefs)
  const top = query.has('$top') ? parseTop(query.get('$top')!) : undefined
  // "If you include both, $top is ignored" (reference §8.2).
  const limit = top !== undefined && !page.requested ? Math.min(top, page.size) : page.size
  const skip = query.get('$skiptoken')
  const cursor = skip !== null ? readSkipToken(skip) : undefined
  if (cursor && (cursor.kind !== 'query' || cursor.last.length !== terms.length)) {
    throw errors.badRequest(
      'The $skiptoken value is not valid for this query. Follow @odata.nextLink exactly as returned.'
    )
  }
  const matches = (row: Row): boolean => (!restrict || restrict(row)) && (!filter || filter(row))
  const write = rowWriter(ctx, table, columns)
  const value: Record<string, unknown>[] = []
  let last: Row | undefined
  let more = false
  const store = ctx.state.catalog.store(table.logicalName)
  for (const row of store.scan(terms, cursor?.last)) {
    if (!matches(row)) continue
    if (value.length === limit) {
      more = top === undefined || page.requested
      break
    }
    value.push(write(row))
    last = row
  }

  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.root}$metadata#${table.entitySetName}${selectText ? `(${selectText})` : ''}`
  }
  Object.assign(
    body,
    countAnnotations(ctx, () => countMatches(store.scan(terms), matches, 1))
  )
  body['value'] = value
  if (more && last) {
    const token = writeSkipToken(
      {
        kind: 'query',
        page: (cursor?.page ?? 1) + 1,
        last: terms.map((t) => last![t.column] ?? null)
      },
      terms.map((t) => t.column)
    )
    body['@odata.nextLink'] = nextLink(ctx, token)
  }
  const applied = page.requested ? [`odata.maxpagesize=${page.size}`] : []
  return json(200, body, preferenceApplied(ctx, applied))
}

/** Counts matching rows up to the limit (plus `beyond`, to tell whether the limit was passed). */
function countMatches(rows: Iterable<Row>, matches: (row: Row) => boolean, beyond = 0): number {
  let n = 0
  for (const row of rows) {
    if (matches(row) && ++n >= COUNT_LIMIT + beyond) break
  }
  return n
}

const TOTAL = 'Microsoft.Dynamics.CRM.totalrecordcount'
const EXCEEDED = 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'

/**
 * `$count=true` → `@odata.count` (≤ 5,000), and when asked for with odata.include-annotations
 * the §8.3 pair: `@…totalrecordcount` (-1 when $count was not requested) and
 * `@…totalrecordcountlimitexceeded`. Rows are counted only if one of them is wanted.
 */
function countAnnotations(ctx: RequestContext, count: () => number): Record<string, unknown> {
  const requested = ctx.query.has('$count') && parseCount(ctx.query.get('$count')!)
  const wants = annotationMatcher(ctx.prefs)
  const out: Record<string, unknown> = {}
  const n = requested ? count() : undefined
  if (n !== undefined) out['@odata.count'] = Math.min(n, COUNT_LIMIT)
  if (wants?.(TOTAL)) out[`@${TOTAL}`] = n === undefined ? -1 : Math.min(n, COUNT_LIMIT)
  if (wants?.(EXCEEDED)) out[`@${EXCEEDED}`] = n !== undefined && n > COUNT_LIMIT
  return out
}

/** GET <set>/$count: a plain number (reference §8.3). */
export function countCollection(ctx: RequestContext, table: TableModel): ApiResponse {
  const resolver = rowResolver(ctx.state, table)
  const filterText = ctx.query.get('$filter')
  const filter =
    filterText !== null ? compileFilter(filterText, resolver, collectAliases(ctx.query)) : undefined
  const store = ctx.state.catalog.store(table.logicalName)
  const n = filter
    ? countMatches(store.scan([{ column: table.primaryId, descending: false }]), filter)
    : Math.min(store.count(), COUNT_LIMIT)
  return text(200, String(n))
}
