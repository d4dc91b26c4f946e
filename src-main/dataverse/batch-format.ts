import { randomUUID } from 'node:crypto'
import { ProtocolError } from './errors'

/** One operation inside a $batch: a request line, headers and an optional JSON body. */
export interface BatchOperation {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** Relative to the Web API root, e.g. "products(productnumber='A-1')". */
  path: string
  headers?: Record<string, string>
  body?: unknown
}

/** The answer to one operation of a $batch. */
export interface BatchPartResult {
  status: number
  headers: Record<string, string>
  body: string
  /** The Content-ID the part echoes (OData 4.0 part 1 §11.7.4), when it has one. */
  contentId?: string
}

/**
 * Writes a $batch body (reference §5.1): one part per operation, no change sets — every
 * operation stands alone, so with odata.continue-on-error one failure doesn't undo the others.
 * Part n carries `Content-ID: n` (optional outside change sets, §5.1), so its answer can be
 * paired by the ID it echoes rather than by its position alone.
 */
export function writeBatch(
  operations: readonly BatchOperation[],
  apiPath: string
): { boundary: string; body: string } {
  const boundary = `batch_${randomUUID()}`
  const parts = operations.map((op, i) => {
    const lines = [
      `--${boundary}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      `Content-ID: ${i + 1}`,
      '',
      `${op.method} ${apiPath}${op.path} HTTP/1.1`,
      ...(op.body !== undefined ? ['Content-Type: application/json; type=entry'] : []),
      ...Object.entries(op.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      '',
      op.body !== undefined ? JSON.stringify(op.body) : ''
    ]
    return lines.join('\r\n')
  })
  return { boundary, body: `${parts.join('\r\n')}\r\n--${boundary}--\r\n` }
}

/**
 * Reads a $batch response (multipart/mixed, change-set responses nested) into the answers of
 * its operations in order. Parses liberally: CRLF or LF, headers without a space after the colon.
 */
export function readBatch(contentType: string | null, text: string): BatchPartResult[] {
  return readMultipart(contentType, text, false)
}

function readMultipart(
  contentType: string | null,
  text: string,
  inChangeSet: boolean
): BatchPartResult[] {
  const boundary = boundaryOf(contentType)
  if (!boundary)
    throw new ProtocolError(
      `The $batch response is not multipart/mixed (Content-Type: ${contentType ?? 'none'}).`
    )
  const results: BatchPartResult[] = []
  for (const part of splitParts(text, boundary)) {
    const { headers, body } = splitHead(part)
    const nested = boundaryOf(headers['content-type'] ?? null)
    if (nested) {
      // OData 4.0 part 1 §11.7.2: change sets MUST NOT contain other change sets. Read as
      // nested, thousands of levels overflowed the stack after seconds of copying.
      if (inChangeSet)
        throw new ProtocolError(
          'The $batch response has a change set inside a change set, which OData does not allow; it was not read.'
        )
      results.push(...readMultipart(headers['content-type']!, body, true))
      continue
    }
    const result = readHttpResponse(body)
    // Content-ID belongs in the MIME part headers; some services put it with the response's.
    const contentId = headers['content-id'] ?? result.headers['content-id']
    results.push(contentId === undefined ? result : { ...result, contentId })
  }
  return results
}

function boundaryOf(contentType: string | null): string | undefined {
  if (!contentType || !/^multipart\/mixed/i.test(contentType.trim())) return undefined
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  return m?.[1] ?? m?.[2]
}

function splitParts(text: string, boundary: string): string[] {
  const delimiter = `--${boundary}`
  const end = text.indexOf(`${delimiter}--`)
  if (end < 0)
    throw new ProtocolError(
      'The $batch response ended before its closing boundary; it may have been cut off.'
    )
  return text
    .slice(0, end)
    .split(delimiter)
    .slice(1)
    .map((p) => p.replace(/^\r?\n/, ''))
}

/** Headers (lower-cased names) and the rest of a MIME part or HTTP message. */
function splitHead(text: string): { headers: Record<string, string>; body: string; first: string } {
  const match = /\r?\n\r?\n/.exec(text)
  const head = match ? text.slice(0, match.index) : text
  const body = match ? text.slice(match.index + match[0].length) : ''
  const lines = head.split(/\r?\n/)
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0 && !/^HTTP\//.test(line))
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return { headers, body, first: lines[0] ?? '' }
}

function readHttpResponse(text: string): BatchPartResult {
  const { headers, body, first } = splitHead(text)
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(first)
  if (!status)
    throw new ProtocolError(
      `A $batch part has no HTTP status line (found '${first.slice(0, 60)}').`
    )
  return { status: Number(status[1]), headers, body: body.replace(/\r?\n$/, '').trim() }
}
