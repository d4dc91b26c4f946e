/**
 * multipart/mixed bodies and the HTTP messages embedded in them, as `$batch` uses them (reference
 * §5.1; RFC 2046 §5.1.1; OData 4.0 Part 1 §11.7).
 *
 * Parsing is liberal, because clients differ: CRLF or bare LF line endings, header lines without a
 * space after the colon (the docs' own `Location:[Org…`), case-insensitive header names, a
 * preamble and an epilogue, transport padding after a boundary, and Content-Length ignored (the
 * docs' own part lengths are wrong, §5.2, and the delimiter is what ends a part anyway).
 * Writing is strict: CRLF everywhere, one header per line, nothing a client could misread.
 *
 * Every problem is an ODataError 400 whose message says what was wrong and where. Nothing here
 * backtracks: all scanning is linear, so hostile input cannot make it hang.
 */
import { errors } from './errors'

export const CRLF = '\r\n'

/** Headers in writing order, with their names as they are written. */
export type HeaderList = ReadonlyArray<readonly [name: string, value: string]>

export interface ParsedHeaders {
  /** Lower-cased names; a repeated header is joined with ', ' (RFC 9110 §5.3). */
  byName: Record<string, string>
  /** As they came, for callers (and tests) that care about order and spelling. */
  list: Array<[string, string]>
}

export interface HttpMessage {
  startLine: string
  headers: ParsedHeaders
  body: string
}

export interface MediaType {
  /** Lower-cased `type/subtype`. */
  type: string
  /** Lower-cased parameter names, unquoted values. */
  params: Record<string, string>
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** Control characters other than HTAB: in a header they can only be an injection attempt. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/ // eslint-disable-line no-control-regex -- what it looks for
/** RFC 2046 §5.1.1 bchars, 1 to 70 of them, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/

/** Keeps error messages short and printable whatever the client sent. */
export function quoteForMessage(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text
  return `'${cut.replace(/[\x00-\x1f\x7f]/g, '?')}'` // eslint-disable-line no-control-regex -- see CONTROL
}

/**
 * Strips the given characters from the end (and the start, with `start`). A loop, not
 * `/[ \t]+$/`: that regex is quadratic on a long run of spaces followed by anything else.
 */
export function trimChars(text: string, chars: string, start = false): string {
  let from = 0
  let to = text.length
  while (start && from < to && chars.includes(text.charAt(from))) from++
  while (to > from && chars.includes(text.charAt(to - 1))) to--
  return text.slice(from, to)
}

/** Splits on `sep` outside double quotes (Content-Type and Prefer both quote values). */
export function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\' && quoted) i++
    else if (c === '"') quoted = !quoted
    else if (c === sep && !quoted) {
      out.push(text.slice(start, i))
      start = i + 1
    }
  }
  out.push(text.slice(start))
  return out
}

export function unquote(value: string): string {
  const v = value.trim()
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    return v.slice(1, -1).replace(/\\(.)/g, '$1')
  }
  return v
}

export function parseMediaType(value: string): MediaType {
  const [type = '', ...rest] = splitOutsideQuotes(value, ';')
  const params: Record<string, string> = {}
  for (const param of rest) {
    const eq = param.indexOf('=')
    if (eq > 0) params[param.slice(0, eq).trim().toLowerCase()] = unquote(param.slice(eq + 1))
  }
  return { type: type.trim().toLowerCase(), params }
}

/**
 * The boundary of a `multipart/mixed` Content-Type (quotes optional, §5.1), checked against
 * RFC 2046 so that it can be neither empty nor carry anything that breaks the framing.
 */
export function multipartBoundary(contentType: string | undefined, what: string): string {
  const expected = `${what} must have Content-Type multipart/mixed with a boundary parameter, e.g. 'multipart/mixed; boundary="batch_<id>"'`
  if (contentType === undefined || contentType.trim() === '') {
    throw errors.badRequest(`${expected}; it has no Content-Type.`)
  }
  const media = parseMediaType(contentType)
  if (media.type !== 'multipart/mixed') {
    throw errors.badRequest(`${expected}; its Content-Type is ${quoteForMessage(contentType)}.`)
  }
  const boundary = media.params['boundary']
  if (boundary === undefined || boundary === '') {
    throw errors.badRequest(`${expected}; the boundary parameter is missing.`)
  }
  if (!BOUNDARY.test(boundary)) {
    throw errors.badRequest(
      `${what} has an invalid multipart boundary ${quoteForMessage(boundary)}: a boundary has 1 to 70 letters, digits or '()+_,-./:=? characters (RFC 2046).`
    )
  }
  return boundary
}

export interface SplitOptions {
  /** Names the body in messages: 'The batch', 'The change set in part 2'. */
  what: string
  /** Stops scanning as soon as there are more parts than this, so a flood costs little. */
  maxParts?: number
  tooMany?: () => Error
}

/**
 * The body parts of a multipart body (RFC 2046 §5.1.1). A delimiter is a line that is exactly
 * `--boundary` (or `--boundary--` to close) once trailing whitespace is removed; the line break
 * before a delimiter belongs to the delimiter, not to the part.
 */
export function splitMultipart(body: string, boundary: string, options: SplitOptions): string[] {
  const open = `--${boundary}`
  const close = `${open}--`
  const parts: string[] = []
  let partStart = -1 // still in the preamble
  let pos = 0
  while (pos < body.length) {
    const nl = body.indexOf('\n', pos)
    const lineEnd = nl === -1 ? body.length : nl
    const next = nl === -1 ? body.length : nl + 1
    if (body.startsWith(open, pos)) {
      const line = trimChars(body.slice(pos, lineEnd), ' \t\r')
      if (line === open || line === close) {
        if (partStart >= 0) parts.push(body.slice(partStart, contentEnd(body, partStart, pos)))
        if (options.maxParts !== undefined && parts.length > options.maxParts && options.tooMany) {
          throw options.tooMany()
        }
        if (line === close) return parts
        partStart = next
      }
    }
    pos = next
  }
  if (partStart < 0) {
    throw errors.badRequest(
      `${options.what} has no delimiter line ${quoteForMessage(open)}: check that the boundary in its Content-Type matches the body.`
    )
  }
  throw errors.badRequest(
    `${options.what} is not terminated: the closing delimiter ${quoteForMessage(close)} is missing.`
  )
}

/** Where a part's content ends: before the CRLF (or LF) that precedes the delimiter line. */
function contentEnd(body: string, partStart: number, delimiterStart: number): number {
  if (delimiterStart <= partStart) return partStart
  const lf = delimiterStart - 1
  return lf - 1 >= partStart && body[lf - 1] === '\r' ? lf - 1 : lf
}

interface Block {
  headers: ParsedHeaders
  /** Offset of the first character after the blank line, or -1 when there was none. */
  bodyStart: number
}

/** Reads header lines from `pos` up to the first empty line. */
function readHeaderBlock(text: string, pos: number, what: string): Block {
  const headers: ParsedHeaders = { byName: {}, list: [] }
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos)
    const next = nl === -1 ? text.length : nl + 1
    const raw = text.slice(pos, nl === -1 ? text.length : nl)
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (line === '') return { headers, bodyStart: next }
    addHeaderLine(headers, line, what)
    pos = next
  }
  return { headers, bodyStart: -1 }
}

function addHeaderLine(headers: ParsedHeaders, line: string, what: string): void {
  const colon = line.indexOf(':')
  const name = colon > 0 ? line.slice(0, colon) : ''
  if (!TOKEN.test(name)) {
    // Also refuses obs-fold continuation lines (RFC 9112 §5.2 lets a server reject them).
    throw errors.badRequest(`${what} has a malformed header line ${quoteForMessage(line)}.`)
  }
  if (CONTROL.test(line)) {
    throw errors.badRequest(`${what} has a control character in header '${name}'.`)
  }
  const value = trimChars(line.slice(colon + 1), ' \t', true)
  const key = name.toLowerCase()
  const before = headers.byName[key]
  headers.byName[key] = before === undefined ? value : `${before}, ${value}`
  headers.list.push([name, value])
}

/**
 * A MIME body part: its headers, then a blank line and its content. Both of the latter are
 * optional (RFC 2046 §5.1.1 `body-part := MIME-part-headers [CRLF *OCTET]`): headers alone make
 * an empty body, which then fails for want of a request line, with a message that says so.
 */
export function parseBodyPart(
  content: string,
  what: string
): { headers: ParsedHeaders; body: string } {
  const block = readHeaderBlock(content, 0, what)
  return { headers: block.headers, body: block.bodyStart < 0 ? '' : content.slice(block.bodyStart) }
}

/**
 * An embedded HTTP message (`application/http`): start line, headers, blank line, body. Blank
 * lines before the start line are skipped and trailing line breaks are dropped from the body,
 * since clients pad both differently (the docs' GET parts end in two blank lines).
 */
export function parseHttpMessage(content: string, what: string): HttpMessage {
  let pos = 0
  while (content.startsWith('\n', pos) || content.startsWith('\r\n', pos)) {
    pos += content[pos] === '\r' ? 2 : 1
  }
  const nl = content.indexOf('\n', pos)
  const startLine = trimChars(content.slice(pos, nl === -1 ? content.length : nl), ' \t\r')
  if (startLine === '') throw errors.badRequest(`${what} contains no HTTP request line.`)
  if (CONTROL.test(startLine)) {
    throw errors.badRequest(`${what} has a control character in its request line.`)
  }
  const block =
    nl === -1
      ? { headers: { byName: {}, list: [] }, bodyStart: -1 }
      : readHeaderBlock(content, nl + 1, what)
  const body = block.bodyStart < 0 ? '' : trimChars(content.slice(block.bodyStart), '\r\n')
  return { startLine, headers: block.headers, body }
}

const safeValue = (value: string): string => value.replace(/[\r\n]+/g, ' ')

/**
 * `Name: value` lines, each ending in CRLF. Names that are not HTTP tokens are dropped and line
 * breaks in values become spaces: a dispatcher's header must never be able to forge a part.
 */
export function serializeHeaders(headers: HeaderList): string {
  let out = ''
  for (const [name, value] of headers) {
    if (TOKEN.test(name)) out += `${name}: ${safeValue(value)}${CRLF}`
  }
  return out
}

export interface BodyPartOut {
  headers: HeaderList
  body: string
}

/**
 * `--b CRLF headers CRLF body CRLF` per part, then `--b--`. The outermost body ends with a CRLF
 * after the close delimiter; a nested one does not (compare the §5.2 change-set response, where
 * `--changesetresponse_…--` is directly followed by `--batchresponse_…`).
 */
export function serializeMultipart(
  boundary: string,
  parts: readonly BodyPartOut[],
  outermost: boolean
): string {
  let out = ''
  for (const part of parts) {
    out += `--${boundary}${CRLF}${serializeHeaders(part.headers)}${CRLF}${part.body}${CRLF}`
  }
  return `${out}--${boundary}--${outermost ? CRLF : ''}`
}

/** `HTTP/1.1 <status> <reason>`, the headers, a blank line, the body. */
export function serializeHttpResponse(
  status: number,
  reason: string,
  headers: HeaderList,
  body: string
): string {
  return `HTTP/1.1 ${status} ${safeValue(reason)}${CRLF}${serializeHeaders(headers)}${CRLF}${body}`
}
