import type { BatchPartResult } from './batch-format'
import { ProtocolError } from './errors'
import { readJson } from './odata-json'
import type { HttpResponse } from './transport'
import { quoteResponse } from './transport-answers'

// What counts as a successful write. The transport hands back any status below 400 that is not a
// redirect; a write is taken as done only when the answer is one the Web API documents, so a
// proxy's `200 text/html`, a bulk answer without its Ids or a $batch that answers fewer requests
// than it was sent ends in a ProtocolError and is never journaled as written:
// - single create/update/upsert/delete: `204 No Content` (OData-EntityId on creates and upserts),
//   or `201`/`200` with the record as JSON when `Prefer: return=representation` was sent
//   (update-delete-entities-using-web-api.md "Basic update", use-upsert-insert-update-record.md;
//   reference §3, §8.5);
// - CreateMultiple: `200 OK` with `{"Ids":[…]}`, one GUID per target; UpdateMultiple and
//   UpsertMultiple: `204 NoContent` (bulk-operations.md; reference §4.1);
// - $batch: `200 OK` multipart/mixed with one response part per request, in request order
//   (execute-batch-operations-using-web-api.md; reference §5.1), each echoing the Content-ID its
//   request carried (OData 4.0 part 1 §11.7.4).

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

function described(response: HttpResponse): string {
  const type = response.headers.get('content-type')
  const text = quoteResponse(response.text.replace(/\s+/g, ' ').trim()).slice(0, 80)
  return `${response.status}${type ? ` ${type}` : ''}${text ? `, starting '${text}'` : ', empty body'}`
}

function notAWriteAnswer(what: string, response: HttpResponse): ProtocolError {
  return new ProtocolError(
    `The service answered ${what} with ${described(response)}, which is not how the Dataverse Web API answers a write; it was not counted as written. Check what answers at the environment URL (a proxy or gateway in between?).`
  )
}

/** A single write's answer (or one $batch part's): 204, or 200/201 with a JSON record. */
export function checkWriteAnswer(what: string, response: HttpResponse): void {
  if (response.status === 204) return
  if (response.status === 200 || response.status === 201) {
    if (!/json/i.test(response.headers.get('content-type') ?? ''))
      throw notAWriteAnswer(what, response)
    readJson(response, what)
    return
  }
  throw notAWriteAnswer(what, response)
}

/** The answer to a bulk action: CreateMultiple's Ids (one per target), or the 204 of the others. */
export function bulkAnswer(
  action: 'CreateMultiple' | 'UpdateMultiple' | 'UpsertMultiple',
  what: string,
  response: HttpResponse,
  targets: number
): string[] {
  if (action !== 'CreateMultiple') {
    if (response.status === 204) return []
    // No UpsertMultipleResponse comes back over the Web API today; should one come, it is JSON.
    if (response.status === 200 && /json/i.test(response.headers.get('content-type') ?? '')) {
      readJson(response, what)
      return []
    }
    throw notAWriteAnswer(what, response)
  }
  if (response.status !== 200 || !/json/i.test(response.headers.get('content-type') ?? ''))
    throw notAWriteAnswer(what, response)
  const ids = readJson<{ Ids?: unknown }>(response, what).Ids
  if (!Array.isArray(ids) || ids.length !== targets || ids.some((id) => !GUID.test(String(id))))
    throw new ProtocolError(
      `The answer to ${what} does not list the ${targets} created record Ids (${Array.isArray(ids) ? `${ids.length} Ids` : 'no Ids array'}); none of them was counted as created. Check the records in Dataverse before applying again.`
    )
  return ids.map(String)
}

/**
 * The parts of a $batch answer in the order of the requests: paired by the Content-ID each
 * echoes, or by position when none echoes one, and only when there is exactly one part per
 * request. Anything else can't say which record an answer belongs to.
 */
export function pairBatchParts(
  requests: number,
  parts: readonly BatchPartResult[]
): BatchPartResult[] {
  const unsure =
    'none of its answers was taken as done. Check the records in Dataverse before applying again.'
  if (parts.length !== requests)
    throw new ProtocolError(
      `The $batch response has ${parts.length} ${parts.length === 1 ? 'answer' : 'answers'} for ${requests} ${requests === 1 ? 'request' : 'requests'}; ${unsure}`
    )
  const withId = parts.filter((p) => p.contentId !== undefined).length
  if (withId === 0) return [...parts]
  if (withId !== parts.length)
    throw new ProtocolError(
      `The $batch response echoes a Content-ID on ${withId} of its ${parts.length} answers, so they can't be paired with the requests; ${unsure}`
    )
  const paired: (BatchPartResult | undefined)[] = new Array(requests)
  for (const part of parts) {
    const n = Number(part.contentId)
    if (
      !Number.isInteger(n) ||
      n < 1 ||
      n > requests ||
      String(n) !== part.contentId!.trim() ||
      paired[n - 1]
    )
      throw new ProtocolError(
        `The $batch response has an answer with Content-ID '${quoteResponse(part.contentId!.slice(0, 40))}', which is not one of the ${requests} requests or answers one twice; ${unsure}`
      )
    paired[n - 1] = part
  }
  return paired as BatchPartResult[]
}

/** A $batch part as a response, for the same checks as a single write's answer. */
export function partResponse(part: BatchPartResult): HttpResponse {
  const headers = new Headers()
  try {
    headers.set('content-type', part.headers['content-type'] ?? '')
  } catch {
    // A value Headers refuses (control characters): no usable content type, as if none came.
  }
  return { status: part.status, headers, text: part.body }
}
