import { expect } from 'vitest'
import type { ApiResult, Json } from './sandbox-harness'

/**
 * Compares a sandbox response with a response copied from Microsoft's docs (reference fixtures)
 * on what a client can rely on: status, the documented headers, and the body's shape — property
 * names, value types, and the text of OData control information (`@odata.*` values, which are
 * URLs and ETags). What legitimately differs is normalised away: the host, the API minor
 * version, GUIDs, ETag numbers, delta and skip tokens.
 */

const ORG =
  /\[Organization U[Rr][Ii]\]|https:\/\/yourorg\.api\.crm\.dynamics\.com|http:\/\/127\.0\.0\.1:\d+/g
const GUID_ANY =
  /\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?/g

/** The docs' standard request headers (§8.1). */
export const STANDARD = { 'If-None-Match': 'null', Accept: 'application/json' }
/** The docs' Web API root, as their example requests write it. */
export const DOC_API_ROOT = '[Organization URI]/api/data/v9.2'
/** What the docs' JSON responses carry. */
export const JSON_HEADERS = {
  'Content-Type': 'application/json; odata.metadata=minimal',
  'OData-Version': '4.0'
}

/** One string with host, version, ids, etags and tokens replaced by placeholders. */
export function normalizeText(text: string): string {
  return text
    .replace(ORG, '{org}')
    .replace(/\/v9\.\d\//g, '/v9.x/')
    .replace(/([?&](?:%24|\$)(?:deltatoken|skiptoken)=)[^&"]*/g, '$1{token}')
    .replace(GUID_ANY, '{guid}')
    .replace(/W\/"\d+"/g, 'W/"{n}"')
}

/** The comparable shape of a JSON value. */
export function shapeOf(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => shapeOf(v))
  if (value === null) return null
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = shapeOf(v, k)
    return out
  }
  // Control information (`@odata.context`, `@odata.etag`, links) is compared by value; data
  // values, and data annotations like `x@OData.Community.Display.V1.FormattedValue`, by type.
  if (typeof value === 'string' && key.startsWith('@')) return normalizeText(value)
  return `<${typeof value}>`
}

export interface DocumentedResponse {
  status: number
  /** Headers as the docs show them (Date/Content-Length/REQ_ID-like noise left out). */
  headers?: Record<string, string>
  body?: Json
}

/** Asserts the sandbox answered what the docs show, up to the normalised differences. */
export function expectDocumented(res: ApiResult, documented: DocumentedResponse): void {
  expect(res.status, res.text.slice(0, 300)).toBe(documented.status)
  for (const [name, value] of Object.entries(documented.headers ?? {})) {
    const actual = res.headers.get(name)
    expect(actual, `header ${name}`).not.toBeNull()
    expect(normalizeText(actual!), `header ${name}`).toBe(normalizeText(value))
  }
  if (documented.body === undefined) {
    expect(res.text, 'no body').toBe('')
    return
  }
  expect(shapeOf(res.json)).toEqual(shapeOf(documented.body))
}
