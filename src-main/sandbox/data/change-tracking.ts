import type { ApiResponse, RequestContext } from '../http/api-types'
import { errors } from '../http/errors'
import { json, text } from '../http/responses'
import { readSkipToken, writeSkipToken, type Cursor } from '../odata/paging-cookie'
import { pageSizeOf } from '../odata/prefer'
import { parseCount } from '../odata/query-options'
import type { TableModel } from '../schema/model'
import { nextLink } from './query-collection'
import { checkKnownOptions, preferenceApplied, rowWriter, selection } from './query-options-use'

/**
 * Change tracking over the Web API (reference §1): `Prefer: odata.track-changes` gives every row
 * plus an `@odata.deltaLink`; the delta link gives what changed since — new and updated rows
 * first, then `$deletedEntity` entries — with a fresh delta link on the last page.
 */
type TrackingCursor = Extract<Cursor, { kind: 'tracking' }>

const pad = (n: number): string => String(n).padStart(2, '0')

/** `<version>!<MM/dd/yyyy HH:mm:ss>` in UTC, the shape the docs show (§1.2); opaque to clients. */
export function formatDeltaToken(version: number, atMs: number): string {
  const d = new Date(atMs)
  const date = `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()}`
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return `${version}!${date} ${time}`
}

function parseDeltaToken(token: string): { version: number; atMs: number } | undefined {
  const m = /^(\d{1,15})!(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(token)
  if (!m) return undefined
  const [, v, mo, d, y, h, mi, s] = m.map(Number) as number[]
  const atMs = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!)
  // Date.UTC rolls 13/45 over into a later date: only a token that formats back to itself is one
  // this service wrote; anything else is garbled, not merely old.
  if (Number.isNaN(atMs) || formatDeltaToken(v!, atMs) !== token) return undefined
  return { version: v!, atMs }
}

function invalidToken(table: TableModel): Error {
  // Not documented (§10 item 3); chosen so a client can tell "start over" from other 400s.
  return errors.badRequest(
    `The delta token is not valid for table '${table.logicalName}'. Start a full sync: request the table with Prefer: odata.track-changes and no $deltatoken.`,
    '0x80044353'
  )
}

export function isTrackingRequest(ctx: RequestContext): boolean {
  const skip = ctx.query.get('$skiptoken')
  if (skip !== null) return readSkipToken(skip).kind === 'tracking'
  return ctx.query.has('$deltatoken') || ctx.prefs.has('odata.track-changes')
}

function checkTrackable(ctx: RequestContext, table: TableModel): void {
  if (!table.def.changeTracking) {
    // §10 item 6: not documented; the sandbox refuses rather than silently ignoring the preference.
    throw errors.badRequest(
      `Change tracking is not enabled for table '${table.logicalName}'. Enable it (EntityMetadata.ChangeTrackingEnabled = true, e.g. 'dvsync tracking enable --table ${table.logicalName}') and request the table again.`,
      '0x80044350'
    )
  }
  checkKnownOptions(ctx.query)
  for (const option of ['$filter', '$orderby', '$expand', '$top']) {
    if (ctx.query.has(option)) throw errors.notSupportedWithTracking(option)
  }
}

/** Where this request starts: a fresh initial sync, a delta from a token, or a next page. */
function startCursor(
  ctx: RequestContext,
  table: TableModel
): { cursor: TrackingCursor; delta: boolean } {
  const { changeLog, clock, organization } = ctx.state
  const skip = ctx.query.get('$skiptoken')
  const deltaText = ctx.query.get('$deltatoken')
  if (skip !== null) {
    const cursor = readSkipToken(skip)
    if (cursor.kind !== 'tracking' || cursor.to > changeLog.current()) throw invalidToken(table)
    return { cursor, delta: deltaText !== null }
  }
  if (deltaText !== null) {
    const token = parseDeltaToken(deltaText)
    if (!token || token.version > changeLog.current()) throw invalidToken(table)
    const retentionMs = organization.expireChangeTrackingInDays * 86_400_000
    if (clock.now() - token.atMs > retentionMs) throw errors.expiredVersionStamp()
    const to = changeLog.current()
    return {
      cursor: {
        kind: 'tracking',
        page: 1,
        phase: 'rows',
        from: token.version,
        to,
        last: token.version
      },
      delta: true
    }
  }
  const to = changeLog.current()
  return {
    cursor: { kind: 'tracking', page: 1, phase: 'rows', from: 0, to, last: 0 },
    delta: false
  }
}

export function trackChanges(ctx: RequestContext, table: TableModel): ApiResponse {
  checkTrackable(ctx, table)
  const { columns, text: selectText } = selection(table, ctx.query)
  const { cursor, delta } = startCursor(ctx, table)
  const page = pageSizeOf(ctx.prefs)
  const write = rowWriter(ctx, table, columns)
  const store = ctx.state.catalog.store(table.logicalName)
  const value: Record<string, unknown>[] = []
  let next: TrackingCursor | undefined
  let { phase, last } = cursor

  if (phase === 'rows') {
    for (const row of store.scanVersions(last, cursor.to)) {
      if (value.length === page.size) {
        next = { ...cursor, page: cursor.page + 1, phase: 'rows', last }
        break
      }
      value.push(write(row))
      last = row.__version
    }
    if (!next) {
      phase = 'deletes'
      last = cursor.from
    }
  }
  // The initial sync returns no deletions (§1.3): there is nothing to delete yet.
  if (!next && phase === 'deletes' && cursor.from > 0) {
    const deletedContext = `${ctx.root}$metadata#${table.entitySetName}/$deletedEntity`
    for (const t of ctx.state.changeLog.deletions(
      table.logicalName,
      Math.max(last, cursor.from),
      cursor.to
    )) {
      const alive = store.get(t.id)
      if (alive && alive.__version > t.version && alive.__version <= cursor.to) continue
      if (value.length === page.size) {
        next = { ...cursor, page: cursor.page + 1, phase: 'deletes', last }
        break
      }
      value.push({ '@odata.context': deletedContext, id: t.id, reason: 'deleted' })
      last = t.version
    }
  }

  const cols = selectText ? `(${selectText})` : ''
  const body: Record<string, unknown> = {
    '@odata.context': `${ctx.root}$metadata#${table.entitySetName}${cols}${delta ? '/$delta' : ''}`
  }
  // $count is allowed with track-changes (§1.6): the size of the whole sync, as /$count says.
  if (ctx.query.has('$count') && parseCount(ctx.query.get('$count')!))
    body['@odata.count'] = changeCount(ctx, table, cursor)
  body['value'] = value
  if (next) {
    body['@odata.nextLink'] = nextLink(ctx, writeSkipToken(next))
  } else {
    const token = formatDeltaToken(cursor.to, ctx.state.clock.now())
    const select = selectText ? `$select=${selectText}&` : ''
    body['@odata.deltaLink'] =
      `${ctx.root}${table.entitySetName}?${select}$deltatoken=${encodeURIComponent(token)}`
  }
  const applied = delta ? [] : ['odata.track-changes']
  if (page.requested) applied.push(`odata.maxpagesize=${page.size}`)
  return json(200, body, preferenceApplied(ctx, applied))
}

/** GET <set>/$count?$deltatoken=…: how many changes the token would return (§1.4). */
export function countChanges(ctx: RequestContext, table: TableModel): ApiResponse {
  checkTrackable(ctx, table)
  const { cursor } = startCursor(ctx, table)
  return text(200, String(changeCount(ctx, table, cursor)))
}

/** Rows changed in the cursor's version range, plus deletions after the initial sync; ≤ 5,000. */
function changeCount(ctx: RequestContext, table: TableModel, cursor: TrackingCursor): number {
  const store = ctx.state.catalog.store(table.logicalName)
  let n = 0
  for (const _row of store.scanVersions(cursor.from, cursor.to)) n++
  if (cursor.from > 0)
    n += ctx.state.changeLog.countDeletions(table.logicalName, cursor.from, cursor.to)
  return Math.min(n, 5000)
}
