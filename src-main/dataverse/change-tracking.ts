import { createHash } from 'node:crypto'
import { DataverseError, InvalidDeltaTokenError, ProtocolError } from './errors'
import { pages } from './query'
import type { Transport } from './transport'
import { quoteResponse } from './transport-answers'

/** One change from a change-tracking response (reference §1.3). */
export type Change =
  /** `values` is the row as sent: the selected columns plus annotations such as @odata.etag. */
  | { kind: 'upsert'; id: string; etag?: string; values: Record<string, unknown> }
  | { kind: 'deleted'; id: string }

export interface ChangePage {
  changes: Change[]
  /** On the last page only: the link for the next delta request; store it with this page. */
  deltaLink?: string
  /**
   * Selected columns some rows of this page came without, and how many rows: the Web API
   * returns every selected column, null ones as null (retrieve-and-execute-predefined-queries.md:
   * "a record will include a property with a null value" for OData queries), though Microsoft's
   * own delta example omits one (use-change-tracking-synchronize-data-external-systems.md;
   * reference §1.3). Such rows are mirrored without those columns; the caller says so.
   */
  missingColumns?: Record<string, number>
  /** On the last page of an untracked read, which has no delta link to mark it. */
  last?: true
}

export interface TrackOptions {
  entitySet: string
  primaryId: string
  /** JSON property names to select (lookups as _x_value); the primary id always comes back. */
  select: string[]
  /** The stored delta link; without it an initial (full) sync starts. */
  deltaLink?: string
  /**
   * False: a plain read of every row, for a table without change tracking (a full-compare
   * pull). No `Prefer: odata.track-changes`, no delta link; rows still carry their
   * `@odata.etag`, the row's version number (reference §3.3: "every retrieved row carries weak
   * @odata.etag"), which the mirror compares. Deletes only show as rows no longer returned.
   */
  track?: boolean
  maxPageSize?: number
  signal?: AbortSignal
}

/** A record id: exactly a GUID. It goes into the mirror, and from there into URLs and $batch. */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
/**
 * Pages in a row that repeat one already read (same records, same ETags) before the read is
 * given up: a service paging through fresh links over the same rows would never end, and on an
 * initial pull every repeat would be journaled as created again.
 */
export const MAX_REPEATED_PAGES = 10

/** The GUID inside an `@id` such as `https://…/accounts(<guid>)`. */
const GUID_IN = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/

/**
 * Reads a table's changes page by page: the initial request with `Prefer: odata.track-changes`,
 * or the stored delta link. Deleted rows are recognised in the documented `$deletedEntity` form
 * and in the OData 4.01 `@removed` form (ARCHITECTURE.md: parse liberally).
 */
export async function* trackChanges(
  transport: Transport,
  options: TrackOptions
): AsyncGenerator<ChangePage> {
  const first = options.deltaLink ?? `${options.entitySet}?$select=${options.select.join(',')}`
  const isDelta = options.deltaLink !== undefined
  const track = options.track ?? true
  if (!track && isDelta) throw new Error('An untracked read has no delta link.')
  if (isDelta) storedLinkUsable(transport, options.entitySet, options.deltaLink!)
  let pageNumber = 0
  const seenPages = new Set<string>()
  let repeated = 0
  try {
    for await (const page of pages(transport, first, {
      prefer: isDelta || !track ? [] : ['odata.track-changes'],
      ...(options.maxPageSize ? { maxPageSize: options.maxPageSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      prefetch: true
    })) {
      pageNumber += 1
      if (
        track &&
        !isDelta &&
        pageNumber === 1 &&
        !/odata\.track-changes/i.test(page.headers.get('preference-applied') ?? '')
      ) {
        throw new ProtocolError(
          `The service did not apply change tracking to ${options.entitySet} (no Preference-Applied: odata.track-changes). Check that change tracking is enabled for the table.`
        )
      }
      if (track && !page.nextLink && !page.deltaLink) {
        throw new ProtocolError(
          `The last page of ${options.entitySet} changes carried no @odata.deltaLink; the sync can't continue from it.`
        )
      }
      if (track && !page.nextLink) deltaLinkUsable(transport, options.entitySet, page.deltaLink!)
      const changes = page.rows.map((row) => toChange(row, options.primaryId, options.entitySet))
      const print = fingerprint(changes)
      repeated = changes.length > 0 && seenPages.has(print) ? repeated + 1 : 0
      if (repeated >= MAX_REPEATED_PAGES)
        throw new ProtocolError(
          `The service sent the same page of ${options.entitySet} changes ${repeated + 1} times under different links (page ${pageNumber}, link '${quoteResponse((page.nextLink ?? '').slice(0, 200))}'); reading on would never end, so the read stopped. Try again later; if it persists, check what answers at the environment URL.`
        )
      seenPages.add(print)
      const missingColumns = missingOf(changes, options.select)
      yield {
        changes,
        ...(page.nextLink ? {} : track ? { deltaLink: page.deltaLink! } : { last: true }),
        ...(missingColumns ? { missingColumns } : {})
      }
    }
  } catch (err) {
    if (isDelta && err instanceof DataverseError && looksLikeBadToken(err)) {
      throw new InvalidDeltaTokenError(
        `The stored delta link for ${options.entitySet} was refused: ${err.serviceMessage}`
      )
    }
    throw err
  }
}

/**
 * A delta link is stored only when it points into the environment: stored, a link to another host
 * would make every later pull fail (the transport never sends the token there).
 */
function deltaLinkUsable(transport: Transport, entitySet: string, link: string): void {
  try {
    transport.resolve(link)
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new ProtocolError(
      `The service sent a delta link for ${entitySet} that points outside the environment ${transport.origin} ('${quoteResponse(link.slice(0, 200))}'); it was not stored, and the pages read are kept. Check the environment URL, then pull again.`
    )
  }
}

/** A stored delta link that can't be followed (another host): only a full pull gets past it. */
function storedLinkUsable(transport: Transport, entitySet: string, link: string): void {
  try {
    transport.resolve(link)
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new ProtocolError(
      `The stored delta link for ${entitySet} points outside the environment ${transport.origin} ('${quoteResponse(link.slice(0, 200))}'), so it was not followed and your token stayed here. A full pull starts over without it: dvsync pull --full (or a full pull in the app) reads the table again and stores a new link.`
    )
  }
}

/** The page's records and versions, to tell a page served again from a new one. */
function fingerprint(changes: readonly Change[]): string {
  const hash = createHash('sha1')
  for (const c of changes)
    hash.update(`${c.kind}:${c.id}:${c.kind === 'upsert' ? (c.etag ?? '') : ''}\n`)
  return hash.digest('base64')
}

function missingOf(
  changes: readonly Change[],
  select: readonly string[]
): Record<string, number> | undefined {
  let missing: Record<string, number> | undefined
  for (const change of changes) {
    if (change.kind !== 'upsert') continue
    for (const column of select)
      if (!Object.hasOwn(change.values, column)) {
        missing ??= {}
        missing[column] = (missing[column] ?? 0) + 1
      }
  }
  return missing
}

function looksLikeBadToken(err: DataverseError): boolean {
  if (err.name === 'ChangeTrackingExpiredError') return false
  return (
    err.status === 400 &&
    (err.code.toLowerCase() === '0x80044353' ||
      /delta ?token|version stamp/i.test(err.serviceMessage))
  )
}

function toChange(row: Record<string, unknown>, primaryId: string, entitySet: string): Change {
  const context = row['@odata.context']
  if (typeof context === 'string' && context.endsWith('/$deletedEntity')) {
    const id = row['id']
    if (typeof id !== 'string' || !GUID.test(id))
      throw new ProtocolError(`A deleted ${entitySet} entry has no id.`)
    return { kind: 'deleted', id: id.toLowerCase() }
  }
  if (row['@removed'] !== undefined) {
    const ref = typeof row['@id'] === 'string' ? row['@id'] : row[primaryId]
    const id = typeof ref === 'string' ? GUID_IN.exec(ref)?.[0] : undefined
    if (!id) throw new ProtocolError(`A removed ${entitySet} entry has no id.`)
    return { kind: 'deleted', id: id.toLowerCase() }
  }
  const id = row[primaryId]
  if (typeof id !== 'string' || !GUID.test(id)) {
    throw new ProtocolError(`A ${entitySet} row in the changes has no '${primaryId}'.`)
  }
  const etag = row['@odata.etag']
  return {
    kind: 'upsert',
    id: id.toLowerCase(),
    // The row as it came, annotations included: copying 5,000 rows a page only to drop them
    // cost more than the pull's parsing; whoever keeps values picks the columns it keeps.
    values: row,
    ...(typeof etag === 'string' ? { etag } : {})
  }
}
