import { DataverseError, InvalidDeltaTokenError, ProtocolError } from './errors'
import { pages } from './query'
import type { Transport } from './transport'

/** One change from a change-tracking response (reference §1.3). */
export type Change =
  /** `values` is the row as sent: the selected columns plus annotations such as @odata.etag. */
  | { kind: 'upsert'; id: string; etag?: string; values: Record<string, unknown> }
  | { kind: 'deleted'; id: string }

export interface ChangePage {
  changes: Change[]
  /** On the last page only: the link for the next delta request; store it with this page. */
  deltaLink?: string
}

export interface TrackOptions {
  entitySet: string
  primaryId: string
  /** JSON property names to select (lookups as _x_value); the primary id always comes back. */
  select: string[]
  /** The stored delta link; without it an initial (full) sync starts. */
  deltaLink?: string
  maxPageSize?: number
  signal?: AbortSignal
}

/** A record id: exactly a GUID. It goes into the mirror, and from there into URLs and $batch. */
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
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
  let pageNumber = 0
  try {
    for await (const page of pages(transport, first, {
      prefer: isDelta ? [] : ['odata.track-changes'],
      ...(options.maxPageSize ? { maxPageSize: options.maxPageSize } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      prefetch: true
    })) {
      pageNumber += 1
      if (
        !isDelta &&
        pageNumber === 1 &&
        !/odata\.track-changes/i.test(page.headers.get('preference-applied') ?? '')
      ) {
        throw new ProtocolError(
          `The service did not apply change tracking to ${options.entitySet} (no Preference-Applied: odata.track-changes). Check that change tracking is enabled for the table.`
        )
      }
      if (!page.nextLink && !page.deltaLink) {
        throw new ProtocolError(
          `The last page of ${options.entitySet} changes carried no @odata.deltaLink; the sync can't continue from it.`
        )
      }
      yield {
        changes: page.rows.map((row) => toChange(row, options.primaryId, options.entitySet)),
        ...(page.nextLink ? {} : { deltaLink: page.deltaLink! })
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
