/**
 * Reads a `$batch` request body into parts (reference §5.1). The whole body is read and checked
 * before anything runs: a structural error (bad framing, a part without a request line, GET in a
 * change set, nesting, more than 1000 requests) rejects the batch with one 400 and changes
 * nothing, the way a request that fails to parse never reaches the data.
 */
import { errors } from './errors'
import {
  multipartBoundary,
  parseBodyPart,
  parseHttpMessage,
  parseMediaType,
  quoteForMessage,
  splitMultipart
} from './multipart'
import { parseReference, resolvePartUrl } from './batch-refs'

/** §5.1: "Max 1000 requests per batch"; change-set items count one by one. */
export const MAX_BATCH_REQUESTS = 1000

export type PartTarget = { url: string } | { ref: string; rest: string }

export interface RequestPart {
  kind: 'request'
  contentId: string | undefined
  method: string
  target: PartTarget
  headers: Record<string, string>
  body: string
}

export interface ChangeSetPart {
  kind: 'changeset'
  items: RequestPart[]
  /** All Content-IDs of the items, for telling `$1` references from `$metadata`. */
  declared: ReadonlySet<string>
}

export type BatchPart = RequestPart | ChangeSetPart

/** Methods OData allows in a change set (Microsoft.OData.Core's list; §5.1 forbids GET). */
const CHANGESET_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const REQUEST_LINE = /^([A-Za-z]+) +(\S+) +HTTP\/\d\.\d$/
/** Visible ASCII: a Content-ID is echoed in a response header and spliced into `$id` URLs. */
const CONTENT_ID = /^[\x21-\x7e]{1,128}$/

const tooMany = (): Error =>
  errors.badRequest(
    `The batch contains more than ${MAX_BATCH_REQUESTS} requests; a $batch request can contain at most ${MAX_BATCH_REQUESTS} requests, counting each change-set request.`
  )

export function parseBatch(
  contentType: string | undefined,
  body: string,
  serviceRoot: string
): BatchPart[] {
  const boundary = multipartBoundary(contentType, 'A $batch request')
  // Every part holds at least one request (empty change sets are refused), so more than 1000
  // top-level parts is already too many: the split can stop there instead of reading a flood.
  const raw = splitMultipart(body, boundary, {
    what: 'The batch body',
    maxParts: MAX_BATCH_REQUESTS,
    tooMany
  })
  const parts: BatchPart[] = []
  let count = 0
  raw.forEach((content, i) => {
    const part = readPart(
      content,
      `part ${i + 1}`,
      boundary,
      serviceRoot,
      MAX_BATCH_REQUESTS - count
    )
    count += part.kind === 'request' ? 1 : part.items.length
    parts.push(part)
  })
  return parts
}

function readPart(
  content: string,
  where: string,
  batchBoundary: string,
  serviceRoot: string,
  budget: number
): BatchPart {
  const part = parseBodyPart(content, `Batch ${where}`)
  const contentType = part.headers.byName['content-type']
  const media = contentType === undefined ? undefined : parseMediaType(contentType)
  if (media?.type === 'application/http') {
    if (budget < 1) throw tooMany()
    return finish(readDraft(part, where, false), new Set(), serviceRoot)
  }
  if (media?.type === 'multipart/mixed') {
    return readChangeSet(contentType, part.body, where, batchBoundary, serviceRoot, budget)
  }
  throw errors.badRequest(
    `Batch ${where} has ${contentType === undefined ? 'no Content-Type' : `Content-Type ${quoteForMessage(contentType)}`}; each part must be 'application/http' (one request) or 'multipart/mixed' (a change set).`
  )
}

function readChangeSet(
  contentType: string | undefined,
  body: string,
  where: string,
  batchBoundary: string,
  serviceRoot: string,
  budget: number
): ChangeSetPart {
  const what = `The change set in batch ${where}`
  const boundary = multipartBoundary(contentType, what)
  if (boundary === batchBoundary) {
    throw errors.badRequest(
      `${what} reuses the batch boundary; a change set needs its own boundary.`
    )
  }
  const raw = splitMultipart(body, boundary, { what, maxParts: budget, tooMany })
  if (raw.length === 0) throw errors.badRequest(`${what} contains no requests.`)
  const items = raw.map((content, i) => {
    const itemWhere = `${where}, change set item ${i + 1}`
    const part = parseBodyPart(content, `Batch ${itemWhere}`)
    const type = part.headers.byName['content-type']
    const media = type === undefined ? undefined : parseMediaType(type)
    if (media?.type === 'multipart/mixed') {
      throw errors.badRequest('Nested change sets in a batch payload are not supported.')
    }
    if (media?.type !== 'application/http') {
      throw errors.badRequest(
        `Batch ${itemWhere} must have Content-Type 'application/http'; it has ${type === undefined ? 'none' : quoteForMessage(type)}.`
      )
    }
    return part
  })
  const declared = new Set<string>()
  const drafts = items.map((item, i) => {
    const draft = readDraft(item, `${where}, change set item ${i + 1}`, true)
    if (draft.contentId !== undefined) {
      if (declared.has(draft.contentId)) {
        throw errors.badRequest(
          `The content ID '${draft.contentId}' was found more than once in the same change set. Content IDs have to be unique across all operations of a change set.`
        )
      }
      declared.add(draft.contentId)
    }
    return draft
  })
  // References are told from `$metadata`-like URLs by the ids of the whole change set, so a
  // reference to a later item is still a reference (and gets the §5.2 error), not a URL.
  const requests = drafts.map((draft) => finish(draft, declared, serviceRoot))
  return { kind: 'changeset', items: requests, declared }
}

type Draft = Omit<RequestPart, 'target'> & { rawTarget: string }

function readDraft(
  part: { headers: { byName: Record<string, string> }; body: string },
  where: string,
  inChangeSet: boolean
): Draft {
  const message = parseHttpMessage(part.body, `Batch ${where}`)
  const line = REQUEST_LINE.exec(message.startLine)
  if (!line?.[1] || !line[2]) {
    throw errors.badRequest(
      `Batch ${where} must start with a request line 'METHOD URL HTTP/1.1'; found ${quoteForMessage(message.startLine)}.`
    )
  }
  const method = line[1].toUpperCase()
  if (inChangeSet && !CHANGESET_METHODS.has(method)) {
    throw errors.badRequest(
      `An invalid HTTP method '${method}' was detected for a request in a change set. Requests in change sets only support the HTTP methods 'POST', 'PUT', 'DELETE', and 'PATCH'.`
    )
  }
  // Content-ID belongs in the MIME part headers (§5.2); some clients put it with the request's.
  const contentId = part.headers.byName['content-id'] ?? message.headers.byName['content-id']
  if (contentId !== undefined && !CONTENT_ID.test(contentId)) {
    throw errors.badRequest(
      `Batch ${where} has an invalid Content-ID ${quoteForMessage(contentId)}.`
    )
  }
  return {
    kind: 'request',
    contentId,
    method,
    rawTarget: line[2],
    headers: message.headers.byName,
    body: message.body
  }
}

function finish(
  { rawTarget, ...draft }: Draft,
  declared: ReadonlySet<string>,
  serviceRoot: string
): RequestPart {
  const ref = parseReference(rawTarget, declared)
  const target: PartTarget = ref
    ? { ref: ref.id, rest: ref.rest }
    : { url: resolvePartUrl(rawTarget, serviceRoot) }
  return { ...draft, target }
}
