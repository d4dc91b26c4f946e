import { ProtocolError } from './errors'
import type { HttpResponse } from './transport'
import { quoteResponse } from './transport-answers'

/**
 * Reads a Web API JSON body defensively: a proxy's HTML page, a truncated body or a non-object
 * gives a ProtocolError that says what arrived, never a crash deep inside the engine.
 */
export function readJson<T extends object>(response: HttpResponse, what: string): T {
  const type = response.headers.get('content-type') ?? ''
  if (!/json/i.test(type)) {
    throw new ProtocolError(
      `Expected JSON for ${what} but the service sent '${type || 'no content type'}' (${snippet(response.text)}).`
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(response.text)
  } catch (err) {
    throw new ProtocolError(
      `The response for ${what} is not valid JSON (${(err as Error).message}); it may have been cut off in transit.`
    )
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProtocolError(`The response for ${what} is not a JSON object.`)
  }
  return parsed as T
}

/** A collection page: `value` must be an array of objects. */
export interface CollectionBody {
  value: Record<string, unknown>[]
  '@odata.nextLink'?: string
  '@odata.deltaLink'?: string
  '@odata.count'?: number
}

export function readCollection(response: HttpResponse, what: string): CollectionBody {
  const body = readJson<Record<string, unknown>>(response, what)
  const value = body['value']
  if (
    !Array.isArray(value) ||
    value.some((row) => row === null || typeof row !== 'object' || Array.isArray(row))
  ) {
    throw new ProtocolError(`The response for ${what} has no 'value' array of records.`)
  }
  for (const link of ['@odata.nextLink', '@odata.deltaLink'] as const) {
    if (body[link] !== undefined && typeof body[link] !== 'string')
      throw new ProtocolError(`The ${link} of ${what} is not a URL.`)
  }
  return body as unknown as CollectionBody
}

function snippet(text: string): string {
  const s = quoteResponse(text.replace(/\s+/g, ' ').trim())
  return s ? `starting '${s.slice(0, 80)}'` : 'empty body'
}
