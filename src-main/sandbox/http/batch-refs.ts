/**
 * Part URLs and Content-ID references (reference §5.1, §5.2).
 *
 * A part's URL may be absolute, server-relative (`/api/data/v9.2/tasks`), relative to the service
 * root (`tasks`) or a Content-ID reference (`$1`, `$1/lastname`). A reference is resolvable only
 * inside the change set that declared it and only to an earlier item; it stands for the entity URL
 * that item's response named in `OData-EntityId` (or `Location`).
 */
import { errors, type ODataError } from './errors'
import { quoteForMessage } from './multipart'

/** The references visible to one request. */
export interface RefScope {
  /** Every Content-ID declared in the change set, earlier or later (see isReference). */
  declared: ReadonlySet<string>
  /** Content-ID → entity URL, for the earlier items that succeeded and named an entity. */
  resolved: ReadonlyMap<string, string>
}

export const emptyScope: RefScope = { declared: new Set(), resolved: new Map() }

/** The §5.2 message, verbatim. */
export const unknownReference = (id: string): ODataError =>
  errors.badRequest(`Content-ID Reference: '$${id}' does not exist in the batch context.`)

const REFERENCE = /^\$([^/?#]+)([/?#].*)?$/s

/**
 * `$<id>` is a reference when id is a number (the only form the docs use, so an undeclared `$7`
 * gets the §5.2 error) or a Content-ID declared in the change set. Anything else, such as
 * `$metadata`, stays an ordinary service-root-relative URL.
 */
export function parseReference(
  target: string,
  declared: ReadonlySet<string>
): { id: string; rest: string } | undefined {
  const m = REFERENCE.exec(target)
  if (!m?.[1]) return undefined
  const id = m[1]
  return /^\d+$/.test(id) || declared.has(id) ? { id, rest: m[2] ?? '' } : undefined
}

export function lookupReference(id: string, scope: RefScope): string {
  const url = scope.resolved.get(id)
  if (url === undefined) throw unknownReference(id)
  return url
}

/**
 * Resolves a non-reference part URL. The text is kept as the client wrote it (no re-encoding by
 * the WHATWG parser), exactly as a direct request's URL reaches the sandbox.
 */
export function resolvePartUrl(target: string, serviceRoot: string): string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target)) {
    let url: URL
    try {
      url = new URL(target)
    } catch {
      throw errors.uriParse(`The request URL ${quoteForMessage(target)} is not a valid URL.`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw errors.uriParse(`The request URL ${quoteForMessage(target)} is not an http(s) URL.`)
    }
    return target
  }
  const root = serviceRoot.endsWith('/') ? serviceRoot : `${serviceRoot}/`
  if (target.startsWith('/')) return `${new URL(root).origin}${target}`
  return `${root}${target}`
}

/** Which JSON properties carry entity references: `x@odata.bind` and `@odata.id` (§5.1). */
const isLinkProperty = (key: string | undefined): boolean =>
  key !== undefined && (key === '@odata.id' || key.endsWith('@odata.bind'))

type Frame =
  | { kind: 'object'; key: string | undefined; expectKey: boolean }
  | { kind: 'array'; key: string | undefined }

const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s"{}[\]:,]+|\s+/gy

/**
 * Replaces `"$n"` where it is the value of an `@odata.bind` or `@odata.id` property (or an item
 * of a collection-valued bind) with the referenced entity URL. Only there: a description that
 * happens to read "$5" is data, not a reference. The body is edited as text, not re-serialised,
 * so numbers beyond double precision (BigInt columns) and the client's formatting survive.
 * A body that is not JSON is passed on untouched for the dispatcher to judge.
 */
export function substituteBodyReferences(body: string, scope: RefScope): string {
  if (!body.includes('"$')) return body
  try {
    JSON.parse(body)
  } catch {
    return body
  }
  const stack: Frame[] = []
  let out = ''
  JSON_TOKEN.lastIndex = 0
  for (let m = JSON_TOKEN.exec(body); m !== null; m = JSON_TOKEN.exec(body)) {
    const token = m[0]
    const top = stack[stack.length - 1]
    if (token === '{') stack.push({ kind: 'object', key: undefined, expectKey: true })
    else if (token === '[') stack.push({ kind: 'array', key: top?.key })
    else if (token === '}' || token === ']') stack.pop()
    else if (top?.kind === 'object' && token === ':') top.expectKey = false
    else if (top?.kind === 'object' && token === ',') {
      top.expectKey = true
      top.key = undefined
    } else if (token.startsWith('"')) {
      if (top?.kind === 'object' && top.expectKey) {
        top.key = JSON.parse(token) as string
      } else if (isLinkProperty(top?.key)) {
        const ref = parseReference(JSON.parse(token) as string, scope.declared)
        if (ref && ref.rest === '') {
          out += JSON.stringify(lookupReference(ref.id, scope))
          continue
        }
      }
    }
    out += token
  }
  return out
}
