/**
 * `POST …/$batch` (reference §5): reads a multipart/mixed batch, runs its parts in order through
 * the integrator's dispatcher (change sets atomically, inside ctx.transaction) and writes the
 * multipart/mixed batch response as Dataverse does.
 *
 * Errors come in two kinds. A batch that cannot be read (wrong Content-Type, broken framing, a part
 * without a request line, GET in or nesting of change sets, more than 1000 requests) makes
 * handleBatch throw an ODataError 400 before anything runs; the sandbox's HTTP layer renders it
 * like any other error. A part that fails while running becomes an error part of the batch
 * response. Nothing else escapes: dispatcher and transaction failures are caught.
 *
 * Choices where the docs are silent (§10 item 12), for the sandbox README:
 * - Without `Prefer: odata.continue-on-error` the batch stops at the first failing part; the
 *   response holds the parts run so far *and* the failing one, and its status is the failing
 *   part's. The docs only show a failing first part; a user report against the real service
 *   (powerapps-docs#1241: 3 responses for 5 GETs when the 3rd failed) shows earlier parts kept.
 * - A failing change set is rolled back and answered by a changesetresponse holding only the
 *   failing item's response, with its Content-ID, as the real service does (powerapps-docs#2843).
 * - With continue-on-error the status is 200, every part is answered, a failed change set still
 *   rolls back only itself, and no Preference-Applied is sent (the §5.2 fixture shows none).
 * - A batch that stops on a part carrying Retry-After (429) repeats Retry-After on the batch
 *   response, so a client that retries the whole batch knows how long to wait.
 */
import { randomUUID } from 'node:crypto'
import { type ChangeSetPart, type RequestPart, parseBatch } from './batch-parse'
import { type RefScope, emptyScope, lookupReference, substituteBodyReferences } from './batch-refs'
import { entityUrlOf, errorResponse, httpPart, normalizeResponse } from './batch-response'
import type { BatchContext, BatchResult, InnerRequest, InnerResponse } from './batch-types'
import { type BodyPartOut, serializeMultipart, splitOutsideQuotes, unquote } from './multipart'

export type { BatchContext, BatchResult, InnerRequest, InnerResponse } from './batch-types'
export { MAX_BATCH_REQUESTS } from './batch-parse'

/** contentType: the request's Content-Type header; body: the raw request body (utf-8); headers: outer request headers lower-cased (Prefer may carry odata.continue-on-error, possibly comma-joined with other preferences, or repeated). */
export function handleBatch(
  contentType: string | undefined,
  body: string,
  headers: Record<string, string>,
  ctx: BatchContext
): BatchResult {
  const parts = parseBatch(contentType, body, ctx.serviceRoot)
  // Lower-cased per the contract; looked up leniently all the same, it costs nothing.
  const prefer = Object.entries(headers).find(([name]) => name.toLowerCase() === 'prefer')?.[1]
  const continueOnError = prefersContinueOnError(prefer)
  const out: BodyPartOut[] = []
  let status = 200
  let retryAfter: string | undefined
  for (const part of parts) {
    const outcome = part.kind === 'request' ? runSingle(part, ctx) : runChangeSet(part, ctx)
    out.push(outcome.part)
    if (outcome.failed && !continueOnError) {
      status = outcome.failed.status
      retryAfter = headerOf(outcome.failed, 'retry-after')
      break
    }
  }
  const boundary = `batchresponse_${randomUUID()}`
  return {
    status,
    headers: {
      'Content-Type': `multipart/mixed; boundary=${boundary}`,
      'OData-Version': '4.0',
      ...(retryAfter === undefined ? {} : { 'Retry-After': retryAfter })
    },
    body: serializeMultipart(boundary, out, true)
  }
}

/**
 * `odata.continue-on-error` (OData 4.0) or `continue-on-error` (4.01), alone or among other
 * preferences, in one Prefer header or several joined with commas; `=false` turns it off.
 */
export function prefersContinueOnError(prefer: string | undefined): boolean {
  if (prefer === undefined) return false
  let on = false
  for (const preference of splitOutsideQuotes(prefer, ',')) {
    const [nameValue = ''] = splitOutsideQuotes(preference, ';')
    const eq = nameValue.indexOf('=')
    const name = (eq < 0 ? nameValue : nameValue.slice(0, eq)).trim().toLowerCase()
    if (name === 'odata.continue-on-error' || name === 'continue-on-error') {
      on = eq < 0 || unquote(nameValue.slice(eq + 1)).toLowerCase() !== 'false'
    }
  }
  return on
}

interface Outcome {
  part: BodyPartOut
  /** The failing response, when the part failed. */
  failed?: InnerResponse
}

const isFailure = (response: InnerResponse): boolean => response.status >= 400

function headerOf(response: InnerResponse, name: string): string | undefined {
  return Object.entries(response.headers).find(([key]) => key.toLowerCase() === name)?.[1]
}

function runSingle(request: RequestPart, ctx: BatchContext): Outcome {
  const response = execute(request, ctx, emptyScope)
  return {
    part: httpPart(response, request.contentId),
    ...(isFailure(response) ? { failed: response } : {})
  }
}

/** Thrown inside the transaction to roll the change set back; carries the failing response. */
class ChangeSetFailed extends Error {
  constructor(
    readonly request: RequestPart,
    readonly response: InnerResponse
  ) {
    super(`change set item failed with ${response.status}`)
  }
}

function runChangeSet(changeSet: ChangeSetPart, ctx: BatchContext): Outcome {
  const boundary = `changesetresponse_${randomUUID()}`
  const nest = (parts: BodyPartOut[]): BodyPartOut => ({
    headers: [['Content-Type', `multipart/mixed; boundary=${boundary}`]],
    body: serializeMultipart(boundary, parts, false)
  })
  const done: BodyPartOut[] = []
  try {
    ctx.transaction(() => {
      const resolved = new Map<string, string>()
      const scope: RefScope = { declared: changeSet.declared, resolved }
      for (const request of changeSet.items) {
        const response = execute(request, ctx, scope)
        if (isFailure(response)) throw new ChangeSetFailed(request, response)
        done.push(httpPart(response, request.contentId))
        const url = entityUrlOf(response)
        if (request.contentId !== undefined && url !== undefined) {
          resolved.set(request.contentId, url)
        }
      }
    })
    return { part: nest(done) }
  } catch (error) {
    if (error instanceof ChangeSetFailed) {
      return {
        part: nest([httpPart(error.response, error.request.contentId)]),
        failed: error.response
      }
    }
    // The transaction itself failed (e.g. at commit): nothing of the change set stands.
    const response = normalizeResponse(errorResponse(error), '')
    return { part: nest([httpPart(response, undefined)]), failed: response }
  }
}

/** One request: references substituted, dispatched, any throw turned into an error response. */
function execute(request: RequestPart, ctx: BatchContext, scope: RefScope): InnerResponse {
  try {
    const url =
      'url' in request.target
        ? request.target.url
        : lookupReference(request.target.ref, scope) + request.target.rest
    const inner: InnerRequest = {
      method: request.method,
      url,
      headers: { ...request.headers },
      body: substituteBodyReferences(request.body, scope)
    }
    // Normalising inside the try: a dispatcher returning nonsense is its failure, a 500 part.
    return normalizeResponse(ctx.dispatch(inner), request.method)
  } catch (error) {
    return normalizeResponse(errorResponse(error), request.method)
  }
}
