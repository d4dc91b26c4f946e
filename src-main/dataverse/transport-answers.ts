import { ChangeTrackingExpiredError, DataverseError, EXPIRED_VERSION_STAMP } from './errors'
import type { HttpResponse } from './transport'

// What the transport makes of an answer or a failed request: the body within its size limit,
// the error Dataverse gave (or what can be said of a body that is not Dataverse's), where a
// redirect pointed, when to retry. Text quoted from an answer is masked (quoteResponse).

/**
 * The body as text (UTF-8, as Response.text() decodes it), or undefined when it grows past
 * `limit` bytes: reading stops there and the connection is dropped. `onChunk` hears each piece
 * (the transport's idle timer).
 */
export async function readBody(
  res: Response,
  limit: number,
  onChunk: () => void = () => undefined
): Promise<string | undefined> {
  if (!res.body) return ''
  if (Number(res.headers.get('content-length')) > limit) {
    await res.body.cancel()
    return undefined
  }
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of res.body) {
    total += chunk.byteLength
    onChunk()
    // Leaving the loop cancels the stream, which closes the connection.
    if (total > limit) return undefined
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

/** Where a redirect pointed, without its query (which may carry a code or a token). */
export function redirectTarget(response: HttpResponse, url: string): string {
  const location = response.headers.get('location')
  if (!location) return 'no location'
  try {
    const target = new URL(location, url)
    return quoteResponse(`${target.origin}${target.pathname}`)
  } catch {
    return 'an address that is not a URL'
  }
}

/**
 * Text from an answer, fit to quote in an error or a log: a proxy or a hostile service may
 * echo the request, Authorization header included, so bearer tokens and anything shaped like a
 * JWT are masked. Dataverse's own messages hold neither and read as they are.
 */
export function quoteResponse(text: string): string {
  return text
    .replace(/\b(Bearer)(\s+|%20|\+)[^\s"'<>,;&]+/gi, '$1 [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted token]')
}

/**
 * The longest wait a Retry-After may ask for. Dataverse's service protection limits count requests
 * and execution time over a sliding 5-minute window (api-limits.md; reference §6.1), so no honest
 * wait is longer than that window: once it has passed, what was counted has left it. A longer
 * value (86400, 999999999 — past setTimeout's 2^31-1 ms, where Node fires at once and warns) is
 * a broken or hostile server; it is waited for 5 minutes, and the throttle budget still applies.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000

/** The wait Retry-After asks for (seconds or an HTTP date), within MAX_RETRY_AFTER_MS. */
export function retryAfterMs(response: HttpResponse): number | undefined {
  const header = response.headers.get('retry-after')?.trim()
  if (!header) return undefined
  // Delta-seconds is 1*DIGIT (RFC 9110 §10.2.3): '1e3', '-1', '0x10' or '' are not waits.
  if (/^\d+$/.test(header)) return Math.min(Number(header) * 1000, MAX_RETRY_AFTER_MS)
  const date = Date.parse(header)
  if (Number.isNaN(date) || !/[a-z]/i.test(header)) return undefined
  return Math.min(Math.max(0, date - Date.now()), MAX_RETRY_AFTER_MS)
}

/** Dataverse's `{"error":{"code","message"}}`, or what can be said of another body. */
export function errorBody(response: HttpResponse): { code: string; message: string } {
  try {
    const parsed = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown } }
    if (parsed.error && typeof parsed.error.message === 'string') {
      return {
        code: typeof parsed.error.code === 'string' ? parsed.error.code : '',
        message: quoteResponse(parsed.error.message)
      }
    }
  } catch {
    // Not JSON: a proxy page or a truncated body; say what arrived rather than nothing.
  }
  const snippet = quoteResponse(response.text.replace(/\s+/g, ' ').trim()).slice(0, 200)
  return {
    code: '',
    message: snippet
      ? `unexpected response: ${snippet}`
      : `HTTP ${response.status} with an empty body`
  }
}

export function toDataverseError(
  response: HttpResponse,
  method: string,
  resource: string
): DataverseError {
  const { code, message } = errorBody(response)
  const ErrorType =
    code.toLowerCase() === EXPIRED_VERSION_STAMP ? ChangeTrackingExpiredError : DataverseError
  return new ErrorType(response.status, code, message, method, resource)
}

/** "products(productnumber='A-1')" from a full URL: readable, and without the query string. */
export function describeResource(url: string, apiRoot: string): string {
  const path = url.startsWith(apiRoot) ? url.slice(apiRoot.length) : new URL(url).pathname
  const noQuery = path.split('?')[0] ?? path
  try {
    return decodeURIComponent(noQuery)
  } catch {
    return noQuery
  }
}

export function networkProblem(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause
  return cause?.code ?? cause?.message ?? (err as Error).message ?? String(err)
}

/** Failures that happen before a request can have reached the server. */
export function isConnectFailure(err: unknown): boolean {
  const code = (err as { cause?: { code?: string } }).cause?.code
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  )
}
