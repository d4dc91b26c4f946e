import { describe, expect, it } from 'vitest'
import {
  type BatchContext,
  type BatchResult,
  type InnerRequest,
  type InnerResponse,
  handleBatch
} from '../../../src-main/sandbox/http/batch'
import { ODataError, errors } from '../../../src-main/sandbox/http/errors'

// Our batch responses against the documented ones of reference §5.2, text for text: the
// fixtures below are verbatim; boundary ids, GUIDs and REQ_IDs are masked (they are fresh on
// every response), as is the organization URL and the docs' missing space in `Location:[Org…`.
// The dispatcher replays the inner responses the docs show, so everything else that differs is
// the batch writer's doing.

const ORG = 'http://127.0.0.1:5555'
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

function skeleton(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\[Organization ur[il]\]/gi, ORG)
    .replace(/^([A-Za-z_-]+):[ \t]*/gm, '$1: ')
    .replace(/(batchresponse|changesetresponse)_[0-9a-f-]{36}/g, '$1_<id>')
    .replace(GUID, '<guid>')
    .trimEnd()
}

/** A dispatcher that answers with the given responses in order (an ODataError is thrown). */
function replay(
  responses: Array<InnerResponse | ODataError>
): BatchContext & { calls: InnerRequest[] } {
  const calls: InnerRequest[] = []
  return {
    calls,
    serviceRoot: `${ORG}/api/data/v9.2/`,
    dispatch(request) {
      calls.push(request)
      const next = responses.shift()
      if (next === undefined) throw new Error('unexpected request')
      if (next instanceof ODataError) throw next
      return next
    },
    transaction: (fn) => fn()
  }
}

const created = (set: string): InnerResponse => ({
  status: 204,
  headers: {
    'OData-Version': '4.0',
    'OData-EntityId': `${ORG}/api/data/v9.2/${set}(${crypto.randomUUID()})`
  }
})
/** The documented GET body, handed back by the dispatcher as the service would produce it. */
const listed = (doc: string): InnerResponse => ({
  status: 200,
  headers: {
    'Content-Type': 'application/json; odata.metadata=minimal; odata.streaming=true',
    'OData-Version': '4.0'
  },
  body: doc
    .slice(doc.indexOf('\n{\n') + 1, doc.lastIndexOf('\n}') + 2)
    .replace(/\[Organization Uri\]/g, ORG)
})
const tooLong = (): ODataError => errors.tooLong('task', 'subject', 200)

const single = (request: string, body = '{}') =>
  `--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n${request} HTTP/1.1\r\n\r\n${body}\r\n`
const changeSet = (requests: string[]) =>
  `--b\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n${requests
    .map(
      (r, i) =>
        `--cs\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nContent-ID: ${i + 1}\r\n\r\n${r} HTTP/1.1\r\n\r\n{}\r\n`
    )
    .join('')}--cs--\r\n`
const run = (parts: string[], ctx: BatchContext, prefer?: string): BatchResult =>
  handleBatch(
    'multipart/mixed; boundary=b',
    `${parts.join('')}--b--\r\n`,
    prefer ? { prefer } : {},
    ctx
  )

function expectLikeDoc(result: BatchResult, doc: string): void {
  const statusLine = doc.slice(0, doc.indexOf('\n')) // 'HTTP/1.1 400 BadRequest' (sic)
  expect(result.status).toBe(Number(statusLine.split(' ')[1]))
  expect(result.headers['OData-Version']).toBe('4.0')
  expect(skeleton(result.body)).toBe(skeleton(doc.slice(doc.indexOf('\n\n') + 2)))
}

describe('batch responses match the §5.2 fixtures', () => {
  it('batch without change set', () => {
    const ctx = replay([
      created('tasks'),
      created('tasks'),
      created('tasks'),
      listed(DOC_WITHOUT_CHANGESET)
    ])
    const tasks = single('POST /api/data/v9.2/tasks')
    const result = run([tasks, tasks, tasks, single('GET accounts(1)/Account_Tasks', '')], ctx)
    expectLikeDoc(result, DOC_WITHOUT_CHANGESET)
  })

  it('change set + GET outside it', () => {
    const ctx = replay([
      created('tasks'),
      created('tasks'),
      created('tasks'),
      listed(DOC_WITH_CHANGESET)
    ])
    const result = run(
      [changeSet(['POST tasks', 'POST tasks', 'POST tasks']), single('GET x', '')],
      ctx
    )
    expectLikeDoc(result, DOC_WITH_CHANGESET)
  })

  it('PUT $1/lastname (the update answers with OData-Version only)', () => {
    const ctx = replay([created('contacts'), { status: 204, headers: { 'OData-Version': '4.0' } }])
    const result = run([changeSet(['POST contacts', 'PUT $1/lastname'])], ctx)
    expectLikeDoc(result, DOC_PUT_REFERENCE)
    expect(ctx.calls[1]?.url).toMatch(/\/contacts\([0-9a-f-]{36}\)\/lastname$/)
  })

  it('error without continue-on-error', () => {
    const ctx = replay([tooLong(), created('tasks'), created('tasks')])
    const tasks = single('POST tasks')
    expectLikeDoc(run([tasks, tasks, tasks], ctx), DOC_ERROR)
  })

  it('error with continue-on-error', () => {
    const ctx = replay([tooLong(), created('tasks'), created('tasks')])
    const tasks = single('POST tasks')
    expectLikeDoc(run([tasks, tasks, tasks], ctx, 'odata.continue-on-error'), DOC_CONTINUE)
  })

  it('writes CRLF line endings throughout', () => {
    const ctx = replay([created('tasks'), tooLong()])
    const result = run(
      [changeSet(['POST tasks']), single('POST tasks')],
      ctx,
      'odata.continue-on-error'
    )
    expect(result.body).not.toMatch(/[^\r]\n/)
    expect(result.body.endsWith('--\r\n')).toBe(true)
  })
})

const DOC_WITHOUT_CHANGESET = String.raw`HTTP/1.1 200 OK
OData-Version: 4.0

--batchresponse_01346794-f2e2-4d45-8cc2-f97e09fe8916
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(d31ba648-c592-ed11-aad1-000d3a993550)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(d31ba648-c592-ed11-aad1-000d3a993550)


--batchresponse_01346794-f2e2-4d45-8cc2-f97e09fe8916
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(d41ba648-c592-ed11-aad1-000d3a993550)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(d41ba648-c592-ed11-aad1-000d3a993550)


--batchresponse_01346794-f2e2-4d45-8cc2-f97e09fe8916
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(d51ba648-c592-ed11-aad1-000d3a993550)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(d51ba648-c592-ed11-aad1-000d3a993550)


--batchresponse_01346794-f2e2-4d45-8cc2-f97e09fe8916
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=minimal; odata.streaming=true
OData-Version: 4.0

{
  "@odata.context": "[Organization Uri]/api/data/v9.2/$metadata#tasks(subject)",
  "value": [
    {
      "@odata.etag": "W/\"77180907\"",
      "subject": "Task 1 in batch",
      "activityid": "d31ba648-c592-ed11-aad1-000d3a993550"
    },
    {
      "@odata.etag": "W/\"77180910\"",
      "subject": "Task 2 in batch",
      "activityid": "d41ba648-c592-ed11-aad1-000d3a993550"
    },
    {
      "@odata.etag": "W/\"77180913\"",
      "subject": "Task 3 in batch",
      "activityid": "d51ba648-c592-ed11-aad1-000d3a993550"
    }
  ]
}
--batchresponse_01346794-f2e2-4d45-8cc2-f97e09fe8916--
`

const DOC_WITH_CHANGESET = String.raw`HTTP/1.1 200 OK
OData-Version: 4.0

--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f
Content-Type: multipart/mixed; boundary=changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15

--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(e73ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(e83ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 3

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(e93ffc82-e292-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(e93ffc82-e292-ed11-aad1-000d3a9933c9)


--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15--
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 200 OK
Content-Type: application/json; odata.metadata=minimal; odata.streaming=true
OData-Version: 4.0

{
  "@odata.context": "[Organization Uri]/api/data/v9.2/$metadata#tasks(subject)",
  "value": [
    {
      "@odata.etag": "W/\"77181173\"",
      "subject": "Task 1 in batch",
      "activityid": "e73ffc82-e292-ed11-aad1-000d3a9933c9"
    },
    {
      "@odata.etag": "W/\"77181176\"",
      "subject": "Task 2 in batch",
      "activityid": "e83ffc82-e292-ed11-aad1-000d3a9933c9"
    },
    {
      "@odata.etag": "W/\"77181179\"",
      "subject": "Task 3 in batch",
      "activityid": "e93ffc82-e292-ed11-aad1-000d3a9933c9"
    }
  ]
}
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f--
`

const DOC_PUT_REFERENCE = String.raw`HTTP/1.1 200 OK
OData-Version: 4.0

--batchresponse_2cb48f48-39a8-41ea-aa52-132fa8ab3c2d
Content-Type: multipart/mixed; boundary=changesetresponse_d7528170-3ef3-41bd-be8e-eac971a8d9d4

--changesetresponse_d7528170-3ef3-41bd-be8e-eac971a8d9d4
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

HTTP/1.1 204 No Content
OData-Version: 4.0
Location:[Organization URI]/api/data/v9.2/contacts(f8ea5d2c-8c75-e911-a97a-000d3a34a1bd)
OData-EntityId:[Organization URI]/api/data/v9.2/contacts(f8ea5d2c-8c75-e911-a97a-000d3a34a1bd)


--changesetresponse_d7528170-3ef3-41bd-be8e-eac971a8d9d4
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 2

HTTP/1.1 204 No Content
OData-Version: 4.0


--changesetresponse_d7528170-3ef3-41bd-be8e-eac971a8d9d4--
--batchresponse_2cb48f48-39a8-41ea-aa52-132fa8ab3c2d--`

const DOC_ERROR = String.raw`HTTP/1.1 400 BadRequest
OData-Version: 4.0

--batchresponse_156da4b8-cd2c-4862-a911-4aaab97c001a
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 400 Bad Request
REQ_ID: 5ecd1cb3-1730-4ffc-909c-d44c22270026
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}
--batchresponse_156da4b8-cd2c-4862-a911-4aaab97c001a--
`

const DOC_CONTINUE = String.raw`HTTP/1.1 200 OK
OData-Version: 4.0

--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 400 Bad Request
REQ_ID: de4c5227-4a28-4ebd-8ced-3392ece1697b
Content-Type: application/json; odata.metadata=minimal
OData-Version: 4.0

{"error":{"code":"0x80044331","message":"A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}}
--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(aed2ae8b-3c94-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(aed2ae8b-3c94-ed11-aad1-000d3a9933c9)


--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139
Content-Type: application/http
Content-Transfer-Encoding: binary

HTTP/1.1 204 No Content
OData-Version: 4.0
Location: [Organization Uri]/api/data/v9.2/tasks(b181a991-3c94-ed11-aad1-000d3a9933c9)
OData-EntityId: [Organization Uri]/api/data/v9.2/tasks(b181a991-3c94-ed11-aad1-000d3a9933c9)


--batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139--
`
