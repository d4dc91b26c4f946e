import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type BatchContext,
  type BatchResult,
  type InnerRequest,
  type InnerResponse,
  handleBatch
} from '../../../src-main/sandbox/http/batch'
import { ODataError } from '../../../src-main/sandbox/http/errors'
import {
  multipartBoundary,
  parseBodyPart,
  parseHttpMessage,
  splitMultipart
} from '../../../src-main/sandbox/http/multipart'

// Malformed batches get a clear 400 (an ODataError thrown before anything runs), never a crash,
// a hang or a 500 (reference §5.1; ARCHITECTURE.md: the sandbox is a product feature).

const ROOT = 'http://127.0.0.1:5555/api/data/v9.2/'
const TYPE = 'multipart/mixed; boundary=b'

function context(): BatchContext & { calls: InnerRequest[] } {
  const calls: InnerRequest[] = []
  let n = 0
  return {
    calls,
    serviceRoot: ROOT,
    dispatch(request): InnerResponse {
      calls.push(request)
      if (request.method === 'GET') return { status: 200, headers: {}, body: '{"value":[]}' }
      return { status: 204, headers: { 'OData-EntityId': `${ROOT}tasks(${++n})` } }
    },
    transaction: (fn) => fn()
  }
}

type Outcome = { result: BatchResult } | { refused: ODataError }

/** Runs handleBatch; anything thrown other than an ODataError 400 fails the test. */
function attempt(
  contentType: string | undefined,
  body: string,
  ctx = context(),
  headers: Record<string, string> = { prefer: 'odata.continue-on-error' }
): Outcome {
  try {
    return { result: handleBatch(contentType, body, headers, ctx) }
  } catch (error) {
    if (error instanceof ODataError && error.status === 400) return { refused: error }
    throw error
  }
}

function refusalOf(body: string, contentType = TYPE): string {
  const ctx = context()
  const outcome = attempt(contentType, body, ctx)
  expect(ctx.calls).toHaveLength(0) // nothing runs when the batch cannot be read
  if ('result' in outcome) throw new Error(`expected a 400, got ${outcome.result.status}`)
  return outcome.refused.message
}

const http = (request: string, headers = '') =>
  `Content-Type: application/http\r\n${headers}\r\n${request}\r\n\r\n{}\r\n`
const cs = (items: string[], boundary = 'cs') =>
  `Content-Type: multipart/mixed; boundary=${boundary}\r\n\r\n${items.map((i) => `--${boundary}\r\n${i}`).join('')}--${boundary}--\r\n`
const batch = (...parts: string[]) => `${parts.map((p) => `--b\r\n${p}`).join('')}--b--\r\n`

describe('malformed batches → a clear 400, nothing executed', () => {
  it.each([
    [
      'a missing terminator',
      '--b\r\n' + http('GET tasks HTTP/1.1'),
      /closing delimiter '--b--' is missing/
    ],
    ['a body without the boundary', 'hello world', /no delimiter line '--b'/],
    [
      'garbage between boundaries',
      batch('garbage\r\n', http('GET tasks HTTP/1.1')),
      /part 1 has a malformed header line 'garbage'/
    ],
    [
      'a part of headers only',
      batch('Content-Type: application/http\r\n'),
      /part 1 contains no HTTP request line/
    ],
    [
      'a part without Content-Type',
      batch('X-A: 1\r\n\r\nGET tasks HTTP/1.1\r\n'),
      /part 1 has no Content-Type; each part must be 'application\/http'/
    ],
    [
      'a part of another type',
      batch('Content-Type: text/plain\r\n\r\nhi\r\n'),
      /Content-Type 'text\/plain'/
    ],
    [
      'a part without a request line',
      batch('Content-Type: application/http\r\n\r\n\r\n'),
      /part 1 contains no HTTP request line/
    ],
    [
      'a part with a broken request line',
      batch(http('tasks')),
      /part 1 must start with a request line 'METHOD URL HTTP\/1.1'; found 'tasks'/
    ],
    ['a request line without version', batch(http('GET tasks')), /must start with a request line/],
    ['a non-http URL', batch(http('GET file:///etc/passwd HTTP/1.1')), /not an http\(s\) URL/],
    [
      'an empty change set',
      batch('Content-Type: multipart/mixed; boundary=cs\r\n\r\n--cs--\r\n'),
      /change set in batch part 1 contains no requests/
    ],
    [
      'a change set without terminator',
      batch(
        'Content-Type: multipart/mixed; boundary=cs\r\n\r\n--cs\r\n' + http('POST tasks HTTP/1.1')
      ),
      /change set in batch part 1 is not terminated/
    ],
    [
      'a change set reusing the batch boundary',
      batch(cs([http('POST tasks HTTP/1.1')], 'b')),
      /change set in batch part 1 reuses the batch boundary/
    ],
    [
      'a change set without boundary',
      batch('Content-Type: multipart/mixed\r\n\r\n'),
      /change set in batch part 1 .*boundary parameter is missing/
    ],
    [
      'a part item that is not application/http',
      batch(cs(['Content-Type: text/plain\r\n\r\nx\r\n'])),
      /change set item 1 must have Content-Type 'application\/http'/
    ],
    [
      'an invalid Content-ID',
      batch(cs([http('POST tasks HTTP/1.1', 'Content-ID: 1 2\r\n')])),
      /invalid Content-ID '1 2'/
    ],
    [
      'header injection through a bare CR',
      batch(cs([http('POST tasks HTTP/1.1', 'Content-ID: 1\rX-Injected: yes\r\n')])),
      /control character in header 'Content-ID'/
    ],
    [
      'header injection in the request line',
      batch(http('GET tasks\rX: 1 HTTP/1.1')),
      /control character in its request line/
    ]
  ])('refuses %s', (_name, body, message) => {
    expect(refusalOf(body)).toMatch(message)
  })

  it('refuses GET in a change set with the OData message (§5.1)', () => {
    expect(refusalOf(batch(cs([http('POST tasks HTTP/1.1'), http('GET tasks HTTP/1.1')])))).toBe(
      "An invalid HTTP method 'GET' was detected for a request in a change set. Requests in change sets only support the HTTP methods 'POST', 'PUT', 'DELETE', and 'PATCH'."
    )
  })

  it('refuses nested change sets (§5.1)', () => {
    const inner = cs([http('POST tasks HTTP/1.1')], 'inner')
    expect(refusalOf(batch(cs([inner])))).toBe(
      'Nested change sets in a batch payload are not supported.'
    )
  })

  it('refuses a Content-ID used twice in one change set, but not across change sets', () => {
    const item = http('POST tasks HTTP/1.1', 'Content-ID: 1\r\n')
    expect(refusalOf(batch(cs([item, item])))).toMatch(
      /The content ID '1' was found more than once in the same change set/
    )
    const outcome = attempt(TYPE, batch(cs([item]), cs([item])))
    expect('result' in outcome && outcome.result.status).toBe(200)
  })
})

describe('floods and huge inputs finish fast', () => {
  it('stops reading at request 1001 of a flood of 200,000 parts', () => {
    const flood = '--b\r\nContent-Type: application/http\r\n\r\nGET tasks HTTP/1.1\r\n\r\n'.repeat(
      200_000
    )
    const started = performance.now()
    expect(refusalOf(`${flood}--b--`)).toMatch(/more than 1000 requests/)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  // Runs of whitespace ending in something else are the classic trap for `/\s+$/`-style trims,
  // which are quadratic: 1 MB of them would take hours.
  const run = ' '.repeat(1_000_000)
  it.each([
    [
      'a 4 MB line of spaces in a header',
      batch(
        `Content-Type: application/http\r\nX-A: ${' '.repeat(4_000_000)}x\r\n\r\nGET tasks HTTP/1.1\r\n\r\n`
      )
    ],
    ['spaces inside a header value', batch(http('GET tasks HTTP/1.1', `X-A: a${run}b\r\n`))],
    ['spaces inside a delimiter-like line', `--b\r\n--b${run}x\r\n--b--`],
    ['spaces inside a request line', batch(http(`GET tasks${run}x HTTP/1.1`))],
    [
      'line breaks inside a body',
      batch(http('POST tasks HTTP/1.1').replace('{}', `{${'\n'.repeat(1_000_000)}x`))
    ],
    ['4 MB without a line break', `--b ${'-'.repeat(4_000_000)}`],
    [
      'a 4 MB JSON body full of quotes',
      batch(
        cs([
          http('POST tasks HTTP/1.1').replace(
            '{}',
            `{"x@odata.bind":"$1${'\\"'.repeat(1_000_000)}"}`
          )
        ])
      )
    ]
  ])('handles %s in well under a second', (_name, body) => {
    const started = performance.now()
    attempt(TYPE, body)
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

/** Every result must itself be a well-formed batchresponse our own parser reads back. */
function expectWellFormed(outcome: Outcome): void {
  if ('refused' in outcome) {
    expect(outcome.refused.message.length).toBeGreaterThan(0)
    return
  }
  const { result } = outcome
  expect(result.status === 200 || result.status >= 400).toBe(true)
  const boundary = multipartBoundary(result.headers['Content-Type'], 'response')
  for (const raw of splitMultipart(result.body, boundary, { what: 'response' })) {
    const part = parseBodyPart(raw, 'response part')
    const type = part.headers.byName['content-type'] ?? ''
    if (type === 'application/http')
      expect(parseHttpMessage(part.body, 'x').startLine).toMatch(/^HTTP\/1\.1 \d{3} /)
    else splitMultipart(part.body, multipartBoundary(type, 'cs'), { what: 'cs' })
  }
}

const VALID = batch(
  cs([
    http(`POST ${ROOT}tasks HTTP/1.1`, 'Content-ID: 1\r\n').replace(
      '{}',
      '{"a@odata.bind":"accounts(1)"}'
    ),
    http('PATCH $1 HTTP/1.1', 'Content-ID: 2\r\n'),
    http('POST /api/data/v9.2/notes HTTP/1.1').replace('{}', '{"objectid_task@odata.bind":"$1"}')
  ]),
  http('GET tasks?$select=subject HTTP/1.1')
)

describe('property: arbitrary and mutated input never escapes as anything but a handled result', () => {
  it('the unmutated batch runs', () => {
    const outcome = attempt(TYPE, VALID)
    expect('result' in outcome && outcome.result.status).toBe(200)
  })

  it('random strings and bytes', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('utf8')),
      fc
        .array(
          fc.constantFrom(
            '--b',
            '--b--',
            '\r\n',
            '\n',
            'Content-Type: application/http',
            'Content-Type: multipart/mixed; boundary=cs',
            '--cs',
            '--cs--',
            'POST tasks HTTP/1.1',
            'GET $1 HTTP/1.1',
            'Content-ID: 1',
            '{"x@odata.bind":"$1"}',
            ':',
            ' '
          ),
          { maxLength: 60 }
        )
        .map((t) => t.join(''))
    )
    fc.assert(
      fc.property(text, (body) => {
        const started = performance.now()
        expectWellFormed(attempt(TYPE, body))
        expect(performance.now() - started).toBeLessThan(500)
      }),
      { numRuns: 1500 }
    )
  })

  it('random mutations of a valid batch', () => {
    const edit = fc.tuple(
      fc.nat(VALID.length),
      fc.nat(40),
      fc.oneof(
        fc.string({ maxLength: 8 }),
        fc.constantFrom('\r', '\n', '\r\n', '-', '--b', '--cs', ':', '$', '"', '$2', ' ', '')
      )
    )
    fc.assert(
      fc.property(
        fc.array(edit, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(TYPE, 'multipart/mixed; boundary="b"', 'multipart/mixed;boundary=cs'),
        fc.constantFrom<Record<string, string>>({}, { prefer: 'odata.continue-on-error' }),
        (edits, contentType, headers) => {
          let body = VALID
          for (const [at, cut, insert] of edits) {
            body = body.slice(0, at) + insert + body.slice(at + cut)
          }
          const started = performance.now()
          expectWellFormed(attempt(contentType, body, context(), headers))
          expect(performance.now() - started).toBeLessThan(500)
        }
      ),
      { numRuns: 3000 }
    )
  })
})
