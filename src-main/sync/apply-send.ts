import { jsonPropertyOf, type TableDetails } from '../../src-shared/model/metadata'
import type { BatchOperation } from '../dataverse/batch-format'
import type { DataverseClient } from '../dataverse/client'
import { DataverseError } from '../dataverse/errors'
import type { WriteOutcome } from '../dataverse/writes'
import { keyPredicate } from '../../src-shared/odata/key-literal'
import type { StoredPlanItem } from '../store/repositories/plans'

/** One item ready to send, with the ETag it must still have (null: no condition). */
export interface Sendable {
  item: StoredPlanItem
  ifMatch: string | null
}

export type SendKind = 'upsert-bulk' | 'create-bulk' | 'update-bulk' | 'batch' | 'single'

/** The request body of an item: its values and its lookups as `<nav>@odata.bind`. */
export function bodyOf(
  item: StoredPlanItem,
  omit: ReadonlySet<string> = new Set()
): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(item.payload?.values ?? {}))
    if (!omit.has(name)) body[name] = value
  for (const [nav, path] of Object.entries(item.payload?.binds ?? {})) {
    // An empty path clears the lookup; on a create there is nothing to clear.
    if (path === '' && item.action === 'create') continue
    body[`${nav}@odata.bind`] = path === '' ? null : path
  }
  return body
}

/** `products(productnumber='A-1')` for items matched by key, `products(<id>)` for the others. */
export function recordPath(item: StoredPlanItem, table: TableDetails): string {
  if (item.recordId) return `${table.entitySetName}(${item.recordId})`
  const names = Object.keys(item.keyValues ?? {})
  const columns = names.map((n) => table.columns.find((c) => c.logicalName === n)!)
  return `${table.entitySetName}(${keyPredicate(
    columns,
    names.map((n) => item.keyValues![n]),
    table.primaryIdAttribute
  )})`
}

/**
 * The single-record request an item becomes in a $batch or on its own. A planned create that
 * must stay a create (`mustBeNew`) carries `If-None-Match: *`: Dataverse then answers 412 when
 * the record exists by the time the request arrives, instead of updating it ("Prevent update in
 * upsert", use-upsert-insert-update-record.md; reference §3.1–3.2). The mirror read at the start
 * of the apply can't guard that: another apply may create the record in the meantime.
 */
export function operationOf(s: Sendable, table: TableDetails, mustBeNew: boolean): BatchOperation {
  const { item } = s
  const headers: Record<string, string> = {}
  if (s.ifMatch) headers['If-Match'] = s.ifMatch
  if (item.action === 'delete') return { method: 'DELETE', path: recordPath(item, table), headers }
  if (item.action === 'create' && mustBeNew) headers['If-None-Match'] = '*'
  // Upsert by key: the key columns are in the URL, never repeated in the body (peers.md §3 #16).
  const keyColumns =
    item.action === 'create' && !item.recordId
      ? new Set(Object.keys(item.keyValues ?? {}))
      : new Set<string>()
  return { method: 'PATCH', path: recordPath(item, table), headers, body: bodyOf(item, keyColumns) }
}

/**
 * Sends a chunk of items with one strategy and returns one outcome per item. Bulk actions are
 * all-or-nothing (reference §4.2): a chunk that fails as a whole is split in halves until the
 * failing records are isolated, and the rest still succeed. A CreateMultiple that fails is sent
 * again as one $batch of conditional creates instead, which answers per record: a chunk whose
 * records another apply just created costs one more request, not one per record.
 */
export async function sendChunk(
  client: DataverseClient,
  table: TableDetails,
  kind: SendKind,
  chunk: readonly Sendable[],
  mustBeNew: boolean,
  signal?: AbortSignal
): Promise<WriteOutcome[]> {
  if (kind === 'batch')
    return client.writes.batch(
      chunk.map((s) => operationOf(s, table, mustBeNew)),
      signal
    )
  if (kind === 'single')
    return Promise.all(
      chunk.map((s) => client.writes.single(operationOf(s, table, mustBeNew), signal))
    )
  try {
    await client.writes.bulk(
      bulkAction(kind),
      table.entitySetName,
      table.logicalName,
      chunk.map((s) => bulkTarget(s, table, kind)),
      signal,
      // Every planned create names its record by key in the body: a repeat of a CreateMultiple
      // that did arrive is refused as a duplicate key (then read back), never a second record.
      { repeatable: kind === 'create-bulk' && chunk.every((s) => hasKeyValues(s.item)) }
    )
    return chunk.map(() => ({ ok: true, status: 204 }))
  } catch (err) {
    if (!(err instanceof DataverseError) || err.status >= 500) throw err
    if (kind === 'create-bulk') return sendChunk(client, table, 'batch', chunk, true, signal)
    if (chunk.length === 1)
      return [{ ok: false, status: err.status, code: err.code, message: err.serviceMessage }]
    const half = Math.ceil(chunk.length / 2)
    const first = await sendChunk(client, table, kind, chunk.slice(0, half), mustBeNew, signal)
    const second = await sendChunk(client, table, kind, chunk.slice(half), mustBeNew, signal)
    return [...first, ...second]
  }
}

/**
 * A planned create refused because its record exists: `If-None-Match: *` on an upsert
 * (412 "A record with matching key values already exists.", §3.2, code 0x80040237 per §10 #9),
 * a duplicate alternate key (DuplicateRecordEntityKey 0x80060892, §2.6) or primary key
 * (DuplicateRecord 0x80040237, §7.4) on a create.
 */
export function refusedAsExisting(item: StoredPlanItem, outcome: WriteOutcome): boolean {
  return (
    item.action === 'create' &&
    !outcome.ok &&
    outcome.status === 412 &&
    (outcome.code === '0x80040237' || outcome.code === '0x80060892')
  )
}

const hasKeyValues = (item: StoredPlanItem): boolean =>
  item.recordId !== null ||
  (item.keyValues !== null &&
    Object.keys(item.keyValues).length > 0 &&
    Object.keys(item.keyValues).every((name) => name in (item.payload?.values ?? {})))

function bulkAction(kind: SendKind): 'UpsertMultiple' | 'CreateMultiple' | 'UpdateMultiple' {
  return kind === 'upsert-bulk'
    ? 'UpsertMultiple'
    : kind === 'create-bulk'
      ? 'CreateMultiple'
      : 'UpdateMultiple'
}

function bulkTarget(s: Sendable, table: TableDetails, kind: SendKind): Record<string, unknown> {
  const { item } = s
  if (kind === 'update-bulk') return { ...bodyOf(item), [table.primaryIdAttribute]: item.recordId }
  // A record created again by its id (undo of a delete) keeps that id.
  if (kind === 'create-bulk')
    return item.recordId
      ? { ...bodyOf(item), [table.primaryIdAttribute]: item.recordId }
      : bodyOf(item)
  // UpsertMultiple names the record in @odata.id; the key columns stay out of the body, or the
  // create path fails (PowerPlatform-DataverseClient-Python PR #127).
  const keyColumns = new Set(Object.keys(item.keyValues ?? {}))
  return { ...bodyOf(item, keyColumns), '@odata.id': recordPath(item, table) }
}

/** The JSON property names of a table's key columns, for reading keys back from the mirror. */
export function keyProperties(table: TableDetails, names: readonly string[]): string[] {
  return names.map((n) => jsonPropertyOf(table.columns.find((c) => c.logicalName === n)!))
}
