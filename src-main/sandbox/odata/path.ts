import { errors } from '../http/errors'

/** One segment of a resource path: a name and, when present, the raw text of its key predicate. */
export interface PathSegment {
  name: string
  predicate?: string
}

export interface ParsedPath {
  /** e.g. 'v9.2' — echoed in every URL the sandbox writes back. */
  version: string
  segments: PathSegment[]
}

const API_PREFIX = /^\/api\/data\/(v9\.[0-2])(?:\/|$)/

/** Splits `/api/data/v9.2/accounts(accountnumber='A%2F1')/name` into segments, decoding each. */
export function parseApiPath(rawPathname: string): ParsedPath | undefined {
  const prefix = API_PREFIX.exec(rawPathname)
  if (!prefix) return undefined
  const rest = rawPathname.slice(prefix[0].length)
  const segments: PathSegment[] = []
  for (const raw of splitOutsideQuotes(rest)) {
    if (raw === '') continue
    let text: string
    try {
      text = decodeURIComponent(raw)
    } catch {
      throw errors.uriParse(`The request URI segment '${raw}' is not correctly percent-encoded.`)
    }
    segments.push(parseSegment(text))
  }
  return { version: prefix[1]!, segments }
}

/** Raw slashes inside a quoted key value would be a path separator to any URL parser; keep them. */
function splitOutsideQuotes(path: string): string[] {
  const parts: string[] = []
  let current = ''
  let depth = 0
  let quoted = false
  for (const ch of path) {
    if (ch === "'") quoted = !quoted
    else if (!quoted && ch === '(') depth += 1
    else if (!quoted && ch === ')') depth -= 1
    if (ch === '/' && depth === 0 && !quoted) {
      parts.push(current)
      current = ''
    } else {
      current += ch
    }
  }
  parts.push(current)
  return parts
}

function parseSegment(text: string): PathSegment {
  const open = text.indexOf('(')
  if (open < 0) return { name: text }
  if (!text.endsWith(')')) throw errors.uriParse('Bad Request - Error in query syntax.')
  return { name: text.slice(0, open), predicate: text.slice(open + 1, -1) }
}
