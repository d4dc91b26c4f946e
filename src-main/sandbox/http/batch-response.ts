/**
 * Turns inner responses (and errors) into the parts of a batch response, laid out as the §5.2
 * fixtures show them.
 */
import { randomUUID } from 'node:crypto'
import { STATUS_CODES } from 'node:http'
import { ODataError } from './errors'
import { type BodyPartOut, type HeaderList, serializeHttpResponse } from './multipart'
import { type InnerResponse } from './batch-types'

/** The JSON content type of §5.2 / §7.3 responses (errors and, plus odata.streaming, GETs). */
export const JSON_ERROR_TYPE = 'application/json; odata.metadata=minimal'

/**
 * Reason phrases as the service (IIS/.NET) writes them; the fixtures show 200 OK, 204 No
 * Content, 400 Bad Request. Node's table covers the rest; where .NET words it differently,
 * .NET wins.
 */
const DOTNET_REASONS: Record<number, string> = {
  413: 'Request Entity Too Large',
  414: 'Request-Uri Too Long',
  416: 'Requested Range Not Satisfiable'
}

export function reasonPhrase(status: number): string {
  return DOTNET_REASONS[status] ?? STATUS_CODES[status] ?? 'Unknown'
}

/**
 * Header order of the fixtures: error parts `REQ_ID, Content-Type, OData-Version` (§5.2),
 * representations `Content-Type, ETag, Preference-Applied, OData-Version` (§3.2), creates
 * `OData-Version, Location, OData-EntityId` (§5.2). Other headers follow in the dispatcher's order.
 */
const ORDER = [
  'REQ_ID',
  'Content-Type',
  'ETag',
  'Preference-Applied',
  'OData-Version',
  'Location',
  'OData-EntityId'
]
const CANONICAL = new Map(
  [...ORDER, 'Retry-After', 'Content-Length', 'OData-MaxVersion'].map((n) => [n.toLowerCase(), n])
)

/** An error thrown by the dispatcher, as the §5.2 error parts show it. */
export function errorResponse(error: unknown): InnerResponse {
  const odata =
    error instanceof ODataError
      ? error
      : new ODataError(
          500,
          '0x80040216',
          `An unexpected error occurred: ${error instanceof Error ? error.message : String(error)}`
        )
  return {
    status: odata.status,
    headers: {
      REQ_ID: randomUUID(),
      'Content-Type': JSON_ERROR_TYPE,
      'OData-Version': '4.0',
      ...odata.headers
    },
    body: JSON.stringify(odata.toJSON())
  }
}

const validStatus = (status: unknown): status is number =>
  typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599

/**
 * Canonical spelling and fixture order; adds what every fixture part has and a dispatcher might
 * forget: `OData-Version`, a `REQ_ID` on errors, and `Location` beside `OData-EntityId` on a
 * create (POST), which in a batch carries both (§5.2; §3.2 shows only OData-EntityId outside).
 */
export function normalizeResponse(response: InnerResponse, method: string): InnerResponse {
  if (!validStatus(response.status)) {
    return errorResponse(
      new Error(`the dispatcher returned an invalid status ${String(response.status)}`)
    )
  }
  const merged = new Map<string, [string, string]>()
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    const key = name.toLowerCase()
    merged.set(key, [CANONICAL.get(key) ?? name, String(value)])
  }
  const add = (name: string, value: string): void => {
    if (!merged.has(name.toLowerCase())) merged.set(name.toLowerCase(), [name, value])
  }
  add('OData-Version', '4.0')
  if (response.status >= 400) add('REQ_ID', randomUUID())
  // §5.2: a GET part's JSON answer is `…; odata.metadata=minimal; odata.streaming=true`, unlike
  // the same GET sent on its own (§8.2–8.5 fixtures show no odata.streaming there).
  const type = merged.get('content-type')
  if (method === 'GET' && response.status < 300 && type?.[1] === JSON_ERROR_TYPE) {
    merged.set('content-type', [type[0], `${JSON_ERROR_TYPE}; odata.streaming=true`])
  }
  const entityId = merged.get('odata-entityid')?.[1]
  if (method === 'POST' && (response.status === 201 || response.status === 204) && entityId) {
    add('Location', entityId)
  }
  const rank = (key: string): number => {
    const i = ORDER.findIndex((n) => n.toLowerCase() === key)
    return i < 0 ? ORDER.length : i
  }
  const sorted = [...merged.entries()].sort((a, b) => rank(a[0]) - rank(b[0]))
  return {
    status: response.status,
    headers: Object.fromEntries(sorted.map(([, pair]) => pair)),
    body: response.body ?? ''
  }
}

/** The entity URL a later `$n` stands for (§5.1). */
export function entityUrlOf(response: InnerResponse): string | undefined {
  let location: string | undefined
  for (const [name, value] of Object.entries(response.headers)) {
    const key = name.toLowerCase()
    if (key === 'odata-entityid' && value) return value
    if (key === 'location' && value) location = value
  }
  return location
}

/** One `application/http` part, Content-ID echoed when the request had one (§5.2). */
export function httpPart(response: InnerResponse, contentId: string | undefined): BodyPartOut {
  const headers: HeaderList = [
    ['Content-Type', 'application/http'],
    ['Content-Transfer-Encoding', 'binary'],
    ...(contentId === undefined ? [] : [['Content-ID', contentId] as const])
  ]
  return {
    headers,
    body: serializeHttpResponse(
      response.status,
      reasonPhrase(response.status),
      Object.entries(response.headers),
      response.body ?? ''
    )
  }
}
