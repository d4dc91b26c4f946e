import { describe, expect, it } from 'vitest'
import {
  parseReference,
  resolvePartUrl,
  substituteBodyReferences
} from '../../../src-main/sandbox/http/batch-refs'
import { ODataError } from '../../../src-main/sandbox/http/errors'
import {
  multipartBoundary,
  parseBodyPart,
  parseHttpMessage,
  serializeHeaders,
  serializeHttpResponse,
  serializeMultipart,
  splitMultipart
} from '../../../src-main/sandbox/http/multipart'

// The reading and writing pieces of $batch (reference §5.1): liberal in what they read, strict in
// what they write.

function refusal(fn: () => unknown): ODataError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ODataError) return error
    throw error
  }
  throw new Error('expected an ODataError')
}

describe('Content-Type boundary (§5.1: quotes optional)', () => {
  it.each([
    [
      'multipart/mixed; boundary="batch_80dd1615-2a10-428a-bb6f-0e559792721f"',
      'batch_80dd1615-2a10-428a-bb6f-0e559792721f'
    ],
    ['multipart/mixed; boundary=batch_AAA123', 'batch_AAA123'],
    ['multipart/mixed;boundary=batch_AAA123', 'batch_AAA123'],
    ['Multipart/Mixed; charset=utf-8; BOUNDARY = "batch_x"', 'batch_x'],
    ['multipart/mixed; boundary="a b:c"', 'a b:c']
  ])('reads %j', (contentType, boundary) => {
    expect(multipartBoundary(contentType, 'A $batch request')).toBe(boundary)
  })

  it.each([
    [undefined, /has no Content-Type/],
    ['  ', /has no Content-Type/],
    ['application/json', /its Content-Type is 'application\/json'/],
    ['multipart/mixed', /boundary parameter is missing/],
    ['multipart/mixed; boundary=', /boundary parameter is missing/],
    ['multipart/mixed; boundary="x\r\nInjected: 1"', /invalid multipart boundary/],
    [`multipart/mixed; boundary=${'b'.repeat(71)}`, /1 to 70/],
    ['multipart/mixed; boundary="ends with space "', /invalid multipart boundary/]
  ])('refuses %j with a 400 saying why', (contentType, message) => {
    const error = refusal(() => multipartBoundary(contentType, 'A $batch request'))
    expect(error.status).toBe(400)
    expect(error.message).toMatch(message)
  })
})

describe('splitting multipart bodies (RFC 2046 §5.1.1)', () => {
  const options = { what: 'The batch body' }

  it('ignores preamble and epilogue and accepts transport padding after a boundary', () => {
    const body = 'preamble\r\n--b \t\r\none\r\n--b\r\ntwo\r\n--b-- \r\nepilogue\r\n--b\r\nignored'
    expect(splitMultipart(body, 'b', options)).toEqual(['one', 'two'])
  })

  it('takes the line break before a delimiter as part of the delimiter, CRLF or LF', () => {
    expect(splitMultipart('--b\nx\n\n--b\r\ny\r\n\r\n--b--', 'b', options)).toEqual([
      'x\n',
      'y\r\n'
    ])
    expect(splitMultipart('--b\n--b--', 'b', options)).toEqual([''])
  })

  it('does not take a longer boundary, or a boundary inside a line, for a delimiter', () => {
    expect(splitMultipart('--b\n--bb\n x --b\n--b--\n', 'b', options)).toEqual(['--bb\n x --b'])
  })

  it('refuses a body with no delimiter, or without the closing one', () => {
    expect(refusal(() => splitMultipart('hello', 'b', options)).message).toBe(
      "The batch body has no delimiter line '--b': check that the boundary in its Content-Type matches the body."
    )
    expect(refusal(() => splitMultipart('--b\r\nx\r\n', 'b', options)).message).toBe(
      "The batch body is not terminated: the closing delimiter '--b--' is missing."
    )
  })
})

describe('embedded HTTP messages (§5.1)', () => {
  it("reads the docs' header quirks: no space after the colon, any case, repeats joined", () => {
    const message = parseHttpMessage(
      '\r\nHTTP/1.1 204 No Content\r\nLocation:[Org]/x\r\nodata-version:  4.0 \r\nX-A: 1\r\nx-a: 2\r\n\r\n\r\n',
      'part'
    )
    expect(message.startLine).toBe('HTTP/1.1 204 No Content')
    expect(message.headers.byName).toEqual({
      location: '[Org]/x',
      'odata-version': '4.0',
      'x-a': '1, 2'
    })
    expect(message.headers.list[0]).toEqual(['Location', '[Org]/x'])
    expect(message.body).toBe('')
  })

  it('keeps the body as sent, minus the trailing line breaks clients add', () => {
    const message = parseHttpMessage('PATCH x HTTP/1.1\n\n{\n  "a": "b  "\n}\n\n', 'part')
    expect(message.body).toBe('{\n  "a": "b  "\n}')
    expect(parseHttpMessage('GET x HTTP/1.1', 'part')).toMatchObject({
      startLine: 'GET x HTTP/1.1',
      body: ''
    })
  })

  it.each([
    ['no colon', 'GET x HTTP/1.1\r\nnot a header\r\n\r\n', /malformed header line 'not a header'/],
    ['obs-fold', 'GET x HTTP/1.1\r\nA: 1\r\n  continued\r\n\r\n', /malformed header line/],
    ['space before colon', 'GET x HTTP/1.1\r\nA : 1\r\n\r\n', /malformed header line/],
    [
      'bare CR inside a header',
      'GET x HTTP/1.1\r\nA: 1\rB: 2\r\n\r\n',
      /control character in header 'A'/
    ],
    [
      'NUL in the request line',
      'GET x\0 HTTP/1.1\r\n\r\n',
      /control character in its request line/
    ],
    ['nothing but blank lines', '\r\n\r\n', /contains no HTTP request line/]
  ])('refuses %s', (_name, content, message) => {
    expect(refusal(() => parseHttpMessage(content, 'Batch part 1')).message).toMatch(message)
  })

  it('reads a MIME part of headers alone as one with an empty body (RFC 2046)', () => {
    expect(parseBodyPart('Content-Type: application/http', 'Batch part 1')).toEqual({
      headers: {
        byName: { 'content-type': 'application/http' },
        list: [['Content-Type', 'application/http']]
      },
      body: ''
    })
  })
})

describe('writing (CRLF, nothing a header value can forge)', () => {
  it('lays parts out as the §5.2 responses do and reads back with the same parser', () => {
    const inner = serializeHttpResponse(204, 'No Content', [['OData-Version', '4.0']], '')
    const text = serializeMultipart(
      'r',
      [{ headers: [['Content-Type', 'application/http']], body: inner }],
      true
    )
    expect(text).toBe(
      '--r\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\n\r\n\r\n--r--\r\n'
    )
    const [part] = splitMultipart(text, 'r', { what: 'x' })
    const read = parseBodyPart(part ?? '', 'x')
    expect(read.headers.byName['content-type']).toBe('application/http')
    expect(parseHttpMessage(read.body, 'x').headers.byName).toEqual({ 'odata-version': '4.0' })
    expect(serializeMultipart('n', [], false)).toBe('--n--')
  })

  it('turns line breaks in values into spaces and drops names that are not tokens', () => {
    expect(
      serializeHeaders([
        ['X-A', 'one\r\n\r\n--batchresponse_x\r\nHTTP/1.1 200 OK'],
        ['Bad Name', 'v'],
        ['X-B:', 'v']
      ])
    ).toBe('X-A: one --batchresponse_x HTTP/1.1 200 OK\r\n')
  })
})

describe('part URLs (§5.1: absolute, server-relative, relative, $n)', () => {
  const root = 'http://127.0.0.1:5555/api/data/v9.2/'
  it.each([
    ['http://127.0.0.1:5555/api/data/v9.2/tasks', 'http://127.0.0.1:5555/api/data/v9.2/tasks'],
    [
      '/api/data/v9.2/tasks?$select=subject',
      'http://127.0.0.1:5555/api/data/v9.2/tasks?$select=subject'
    ],
    ['tasks', `${root}tasks`],
    ["accounts(name='a b')", `${root}accounts(name='a b')`],
    ['$metadata', `${root}$metadata`]
  ])('resolves %j', (target, url) => {
    expect(resolvePartUrl(target, root)).toBe(url)
    expect(resolvePartUrl(target, root.slice(0, -1))).toBe(url)
  })

  it('refuses URLs that are not http(s) or not URLs', () => {
    expect(refusal(() => resolvePartUrl('file:///etc/passwd', root)).message).toMatch(
      /not an http\(s\) URL/
    )
    expect(refusal(() => resolvePartUrl('http://[::1/x', root)).message).toMatch(/not a valid URL/)
  })

  it('tells $n references from $metadata', () => {
    const none = new Set<string>()
    expect(parseReference('$1', none)).toEqual({ id: '1', rest: '' })
    expect(parseReference('$1/lastname', none)).toEqual({ id: '1', rest: '/lastname' })
    expect(parseReference('$12?$select=name', none)).toEqual({ id: '12', rest: '?$select=name' })
    expect(parseReference('$metadata', none)).toBeUndefined()
    expect(parseReference('$new', new Set(['new']))).toEqual({ id: 'new', rest: '' })
    expect(parseReference('tasks', none)).toBeUndefined()
  })
})

describe('Content-ID references in bodies (§5.1)', () => {
  const scope = {
    declared: new Set(['1', '2']),
    resolved: new Map([['1', 'http://h/accounts(1)']])
  }

  it('replaces "$n" values of @odata.bind, @odata.id and bind collections only', () => {
    const body = `{"a@odata.bind":"$1","b@odata.bind":["$1"],"nested":{"@odata.id" : "$1"},"description":"$1","c":["$1"]}`
    expect(JSON.parse(substituteBodyReferences(body, scope))).toEqual({
      'a@odata.bind': 'http://h/accounts(1)',
      'b@odata.bind': ['http://h/accounts(1)'],
      nested: { '@odata.id': 'http://h/accounts(1)' },
      description: '$1',
      c: ['$1']
    })
  })

  it('edits the text in place: formatting and big numbers survive', () => {
    const body = '{\n  "big": 12345678901234567890,\n  "x@odata.bind": "$1"\n}'
    expect(substituteBodyReferences(body, scope)).toBe(
      '{\n  "big": 12345678901234567890,\n  "x@odata.bind": "http://h/accounts(1)"\n}'
    )
  })

  it('leaves bodies without references, and bodies that are not JSON, untouched', () => {
    expect(substituteBodyReferences('{"x@odata.bind":"accounts(1)"}', scope)).toBe(
      '{"x@odata.bind":"accounts(1)"}'
    )
    expect(substituteBodyReferences('{"x@odata.bind":"$1"', scope)).toBe('{"x@odata.bind":"$1"')
  })

  it('refuses a reference to a later or unknown item with the §5.2 message', () => {
    for (const ref of ['$2', '$7']) {
      const error = refusal(() => substituteBodyReferences(`{"x@odata.bind":"${ref}"}`, scope))
      expect([error.status, error.message]).toEqual([
        400,
        `Content-ID Reference: '${ref}' does not exist in the batch context.`
      ])
    }
  })
})
