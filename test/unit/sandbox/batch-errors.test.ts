import { describe, expect, it } from 'vitest'
import {
  type BatchContext,
  type InnerRequest,
  MAX_BATCH_REQUESTS,
  handleBatch,
  prefersContinueOnError
} from '../../../src-main/sandbox/http/batch'
import { ODataError, errors } from '../../../src-main/sandbox/http/errors'
import {
  multipartBoundary,
  parseBodyPart,
  parseHttpMessage,
  splitMultipart
} from '../../../src-main/sandbox/http/multipart'

// Failing parts, with and without Prefer: odata.continue-on-error (reference §5.1, §5.2, §10
// item 12), against a fake that creates tasks and refuses subjects over 200 characters (§7.4
// 0x80044331), as the documented fixture's first part does.

const ROOT = 'http://127.0.0.1:5555/api/data/v9.2/'

function fakeTasks(fail?: (request: InnerRequest) => unknown) {
  let tasks: string[] = []
  const calls: InnerRequest[] = []
  const ctx: BatchContext = {
    serviceRoot: ROOT,
    dispatch(request) {
      calls.push(request)
      const injected = fail?.(request)
      if (injected !== undefined) throw injected
      const subject = String((JSON.parse(request.body || '{}') as { subject?: string }).subject)
      if (subject.length > 200) throw errors.tooLong('task', 'subject', 200)
      tasks.push(subject)
      return {
        status: 204,
        headers: { 'OData-Version': '4.0', 'OData-EntityId': `${ROOT}tasks(${tasks.length})` }
      }
    },
    transaction<T>(fn: () => T): T {
      const before = [...tasks]
      try {
        return fn()
      } catch (error) {
        tasks = before
        throw error
      }
    }
  }
  return { ctx, calls, tasks: () => tasks }
}

const LONG = `Subject is too long ${'x'.repeat(250)}`
const part = (
  subject: string,
  contentLength: number
) => `--batch_431faf5a-f979-4ee6-a374-d242f8962d41
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-Length: ${contentLength}

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "${subject}",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
`
// §5.2 "error without continue-on-error": three task POSTs, the first with a 250+ char subject.
// The Content-Length values are the docs' own (and wrong), so they must be ignored.
const THREE_POSTS =
  `${part(LONG, 436)}${part('Task 2 in batch', 250)}${part('Task 3 in batch', 250)}--batch_431faf5a-f979-4ee6-a374-d242f8962d41--
`.replace(/\n/g, '\r\n')
const CONTENT_TYPE = 'multipart/mixed; boundary="batch_431faf5a-f979-4ee6-a374-d242f8962d41"'
const ERROR_BODY = `{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}`

function parts(result: { headers: Record<string, string>; body: string }) {
  const boundary = multipartBoundary(result.headers['Content-Type'], 'response')
  return splitMultipart(result.body, boundary, { what: 'response' }).map((raw) =>
    parseHttpMessage(parseBodyPart(raw, 'part').body, 'part')
  )
}

describe('§5.2 error without continue-on-error', () => {
  it('stops at the failing first part: overall 400, a batchresponse holding only that part', () => {
    const fake = fakeTasks()
    const result = handleBatch(CONTENT_TYPE, THREE_POSTS, {}, fake.ctx)
    expect(result.status).toBe(400)
    expect(fake.calls).toHaveLength(1)
    expect(fake.tasks()).toEqual([])
    const [failed, ...rest] = parts(result)
    expect(rest).toEqual([])
    expect(failed?.startLine).toBe('HTTP/1.1 400 Bad Request')
    expect(failed?.headers.list.map(([name]) => name)).toEqual([
      'REQ_ID',
      'Content-Type',
      'OData-Version'
    ])
    expect(failed?.headers.byName['req_id']).toMatch(/^[0-9a-f-]{36}$/)
    expect(failed?.headers.byName['content-type']).toBe('application/json; odata.metadata=minimal')
    expect(failed?.body).toBe(ERROR_BODY)
    // Raw text, as the fixture shows it (CRLF written throughout).
    expect(result.body).toMatch(
      /^--(batchresponse_[0-9a-f-]{36})\r\nContent-Type: application\/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP\/1\.1 400 Bad Request\r\nREQ_ID: [0-9a-f-]{36}\r\nContent-Type: application\/json; odata\.metadata=minimal\r\nOData-Version: 4\.0\r\n\r\n\{"error":.*\}\}\r\n--\1--\r\n$/
    )
  })

  it('keeps the parts that ran before a later failure, and runs nothing after it (§10 item 12)', () => {
    const fake = fakeTasks()
    const body = THREE_POSTS.replace(
      `"subject": "${LONG}"`,
      '"subject": "Task 1 in batch"'
    ).replace('"subject": "Task 2 in batch"', `"subject": "${LONG}"`)
    const result = handleBatch(CONTENT_TYPE, body, {}, fake.ctx)
    expect(result.status).toBe(400)
    expect(parts(result).map((p) => p.startLine)).toEqual([
      'HTTP/1.1 204 No Content',
      'HTTP/1.1 400 Bad Request'
    ])
    expect(fake.calls).toHaveLength(2)
    expect(fake.tasks()).toEqual(['Task 1 in batch']) // single requests are not a transaction
  })

  it('takes the overall status from the failing part, and repeats Retry-After of a 429', () => {
    const throttle = errors.tooManyRequests(
      '0x80072322',
      'Number of requests exceeded the limit.',
      7
    )
    const fake = fakeTasks((r) => (r.body.includes('Task 2') ? throttle : undefined))
    const body = THREE_POSTS.replace(LONG, 'Task 1 in batch')
    const result = handleBatch(CONTENT_TYPE, body, {}, fake.ctx)
    expect(result.status).toBe(429)
    expect(result.headers['Retry-After']).toBe('7')
    const failed = parts(result)[1]
    expect(failed?.startLine).toBe('HTTP/1.1 429 Too Many Requests')
    expect(failed?.headers.byName['retry-after']).toBe('7')
  })

  it('turns anything but an ODataError into a 500 part with a JSON error, never a crash', () => {
    const fake = fakeTasks(() => new TypeError('boom'))
    const result = handleBatch(CONTENT_TYPE, THREE_POSTS, {}, fake.ctx)
    expect(result.status).toBe(500)
    const [failed] = parts(result)
    expect(failed?.startLine).toBe('HTTP/1.1 500 Internal Server Error')
    expect(JSON.parse(failed?.body ?? '').error.message).toContain('boom')
  })

  it('answers a change set whose transaction fails at commit with one 500 part', () => {
    const fake = fakeTasks()
    const ctx: BatchContext = {
      ...fake.ctx,
      transaction: () => {
        throw new Error('SQLITE_BUSY')
      }
    }
    const batch = `--b\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n--cs\r\nContent-Type: application/http\r\n\r\nPOST tasks HTTP/1.1\r\n\r\n{}\r\n--cs--\r\n--b--`
    const result = handleBatch('multipart/mixed; boundary=b', batch, {}, ctx)
    expect(result.status).toBe(500)
    expect(result.body).toContain('HTTP/1.1 500 Internal Server Error')
  })
})

describe('§5.2 with Prefer: odata.continue-on-error', () => {
  it('answers 200 with all three parts: the 400, then two creates', () => {
    const fake = fakeTasks()
    const result = handleBatch(
      CONTENT_TYPE,
      THREE_POSTS,
      { prefer: 'odata.continue-on-error' },
      fake.ctx
    )
    expect(result.status).toBe(200)
    expect(result.headers['Retry-After']).toBeUndefined()
    const [failed, second, third] = parts(result)
    expect(failed?.startLine).toBe('HTTP/1.1 400 Bad Request')
    expect(failed?.body).toBe(ERROR_BODY)
    for (const [created, n] of [
      [second, 1],
      [third, 2]
    ] as const) {
      expect(created?.startLine).toBe('HTTP/1.1 204 No Content')
      expect(created?.headers.list).toEqual([
        ['OData-Version', '4.0'],
        ['Location', `${ROOT}tasks(${n})`],
        ['OData-EntityId', `${ROOT}tasks(${n})`]
      ])
    }
    expect(fake.tasks()).toEqual(['Task 2 in batch', 'Task 3 in batch'])
  })

  it.each([
    ['odata.continue-on-error', true],
    ['return=representation, odata.continue-on-error', true],
    ['odata.include-annotations="*",odata.continue-on-error', true],
    ['ODATA.CONTINUE-ON-ERROR', true],
    ['continue-on-error', true],
    ['odata.continue-on-error=true', true],
    ['odata.continue-on-error=false', false],
    ['odata.include-annotations="odata.continue-on-error"', false],
    ['return=minimal', false],
    [undefined, false]
  ])('reads Prefer %j as continue-on-error = %s', (prefer, expected) => {
    expect(prefersContinueOnError(prefer)).toBe(expected)
  })
})

describe('§5.1 at most 1000 requests per batch', () => {
  const single = (n: number) =>
    Array.from(
      { length: n },
      () =>
        '--b\r\nContent-Type: application/http\r\n\r\nPOST tasks HTTP/1.1\r\n\r\n{"subject":"s"}\r\n'
    ).join('')
  const changeSetOf = (n: number) =>
    `--b\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n${Array.from(
      { length: n },
      () =>
        '--cs\r\nContent-Type: application/http\r\n\r\nPOST tasks HTTP/1.1\r\n\r\n{"subject":"s"}\r\n'
    ).join('')}--cs--\r\n`
  const run = (body: string) =>
    handleBatch('multipart/mixed; boundary=b', `${body}--b--\r\n`, {}, fakeTasks().ctx)

  it('runs exactly 1000', () => {
    expect(MAX_BATCH_REQUESTS).toBe(1000)
    expect(run(single(1000)).status).toBe(200)
    expect(run(single(500) + changeSetOf(500)).status).toBe(200)
  })

  it.each([
    ['1001 single requests', () => single(1001)],
    ['1000 single requests and a change set', () => single(1000) + changeSetOf(1)],
    ['one request and a change set of 1000', () => single(1) + changeSetOf(1000)],
    ['a change set of 1001', () => changeSetOf(1001)]
  ])('refuses %s with a 400 naming the limit, before running any', (_name, body) => {
    const fake = fakeTasks()
    let caught: unknown
    try {
      handleBatch('multipart/mixed; boundary=b', `${body()}--b--\r\n`, {}, fake.ctx)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ODataError)
    expect((caught as ODataError).status).toBe(400)
    expect((caught as ODataError).message).toMatch(/more than 1000 requests/)
    expect(fake.calls).toHaveLength(0)
  })
})
