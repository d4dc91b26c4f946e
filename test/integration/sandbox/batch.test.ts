import { beforeAll, describe, expect, it } from 'vitest'
import { readMultipart, type BatchResponsePart } from '../../support/batch-reader'
import { phonecall, task, withDemoTables } from '../../support/doc-tables'
import { expectDocumented, normalizeText } from '../../support/doc-shapes'
import { GUID, useSandbox, type ApiResult, type Json } from '../../support/sandbox-harness'

/**
 * `$batch` over HTTP (reference §5): the documented batches sent as the docs write them, and
 * their responses read with the tests' own multipart reader.
 */
const h = useSandbox({ schema: withDemoTables(task, phonecall) })

const ACCOUNT = '00000000-0000-0000-0000-000000000001'

async function batch(
  boundary: string,
  body: string,
  headers: Record<string, string> = {}
): Promise<{ res: ApiResult; parts: BatchResponsePart[] }> {
  const res = await h.api('POST', '$batch', {
    headers: {
      'OData-MaxVersion': '4.0',
      'If-None-Match': 'null',
      'Content-Type': `multipart/mixed; boundary="${boundary}"`,
      ...headers
    },
    body: body.replaceAll('[Organization URI]', h.sandbox.url)
  })
  expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed; ?boundary=batchresponse_/)
  return { res, parts: readMultipart(res.text, res.headers.get('content-type')) }
}

const taskPart = (boundary: string, subject: string, extra = ''): string => `--${boundary}
Content-Type: application/http
Content-Transfer-Encoding: binary
${extra}
POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "${subject}",
  "regardingobjectid_account_task@odata.bind": "accounts(${ACCOUNT})"
}
`

const GET_TASKS = `Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/data/v9.2/accounts(${ACCOUNT})/Account_Tasks?$select=subject HTTP/1.1


`

/** A §5.2 create part: 204 with Location and OData-EntityId naming the new task. */
function expectCreated(part: BatchResponsePart, contentId?: string): string {
  expect(part.headers['content-type']).toBe('application/http')
  expect(part.headers['content-transfer-encoding']).toBe('binary')
  expect(part.headers['content-id']).toBe(contentId)
  expect(part.statusLine).toBe('HTTP/1.1 204 No Content')
  expect(part.httpHeaders!['odata-version']).toBe('4.0')
  const entityId = part.httpHeaders!['odata-entityid']!
  expect(normalizeText(entityId)).toMatch(/^\{org\}\/api\/data\/v9\.x\/\w+\(\{guid\}\)$/)
  expect(part.httpHeaders!['location']).toBe(entityId)
  return /\(([^)]+)\)$/.exec(entityId)![1]!
}

/** The §5.2 GET part listing the account's tasks. */
function expectTaskList(part: BatchResponsePart, subjects: string[]): void {
  expect(part.statusLine).toBe('HTTP/1.1 200 OK')
  expect(part.httpHeaders!['content-type']).toBe(
    'application/json; odata.metadata=minimal; odata.streaming=true'
  )
  expectDocumented(
    { status: 200, headers: new Headers(), text: part.body!, json: part.json },
    {
      status: 200,
      body: {
        '@odata.context': '[Organization Uri]/api/data/v9.2/$metadata#tasks(subject)',
        value: subjects.map(() => ({
          '@odata.etag': 'W/"77180907"',
          subject: 'Task 1 in batch',
          activityid: 'd31ba648-c592-ed11-aad1-000d3a993550'
        }))
      }
    }
  )
  expect(part.json.value.map((t: Json) => t.subject).sort()).toEqual([...subjects].sort())
}

const subjectsOf = async (prefix: string): Promise<string[]> =>
  (
    await h.api('GET', `tasks?$select=subject&$filter=startswith(subject,'${prefix}')`)
  ).json.value.map((t: Json) => t.subject)

beforeAll(async () => {
  await h.api('PATCH', `accounts(${ACCOUNT})`, { body: { name: 'Batch parent' } })
})

describe('§5.2 documented batches', () => {
  it('a batch without change sets: three creates and a GET, in order', async () => {
    const b = 'batch_80dd1615-2a10-428a-bb6f-0e559792721f'
    const body =
      [1, 2, 3].map((i) => taskPart(b, `Task ${i} in batch`)).join('') +
      `--${b}\n${GET_TASKS}--${b}--\n`
    const { res, parts } = await batch(b, body)
    expect(res.status).toBe(200)
    expect(res.headers.get('odata-version')).toBe('4.0')
    expect(parts).toHaveLength(4)
    const ids = parts.slice(0, 3).map((p) => expectCreated(p))
    expect(ids.every((id) => GUID.test(id))).toBe(true)
    expectTaskList(parts[3]!, ['Task 1 in batch', 'Task 2 in batch', 'Task 3 in batch'])
  })

  it('a change set and a GET after it: nested changesetresponse echoing Content-IDs', async () => {
    const b = 'batch_22975cad-7f57-410d-be15-6363209367ea'
    const c = 'changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a'
    const items = [1, 2, 3].map((i) => taskPart(c, `CS task ${i}`, `Content-ID: ${i}\n`)).join('')
    const body = `--${b}
Content-Type: multipart/mixed; boundary="${c}"

${items}--${c}--

--${b}
${GET_TASKS}--${b}--
`
    const { res, parts } = await batch(b, body)
    expect(res.status).toBe(200)
    expect(parts).toHaveLength(2)
    expect(parts[0]!.headers['content-type']).toMatch(
      /^multipart\/mixed; ?boundary=changesetresponse_/
    )
    expect(parts[0]!.changeSet!.map((p, i) => expectCreated(p, String(i + 1)))).toHaveLength(3)
    expect(parts[1]!.status).toBe(200)
    expect(parts[1]!.json.value.map((t: Json) => t.subject)).toEqual(
      expect.arrayContaining(['CS task 1', 'CS task 2', 'CS task 3'])
    )
  })

  it('a Content-ID reference in the URL: PUT $1/lastname', async () => {
    const c = 'changeset_dd81ccab-11ce-4d57-b91d-12c4e25c3cab'
    const body = `--batch_AAA123
Content-Type: multipart/mixed; boundary=${c}

--${c}
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

POST [Organization URI]/api/data/v9.2/contacts HTTP/1.1
Content-Type: application/json

{
  "firstname":"First Name",
  "lastname":"Last name"
}

--${c}
Content-Transfer-Encoding: binary
Content-Type: application/http
Content-ID: 2

PUT $1/lastname HTTP/1.1
Content-Type: application/json

{
  "value":"BBBBB"
}

--${c}--
--batch_AAA123--
`
    const { res, parts } = await batch('batch_AAA123', body, {
      'Content-Type': 'multipart/mixed;boundary=batch_AAA123'
    })
    expect(res.status).toBe(200)
    const [created, updated] = parts[0]!.changeSet!
    const id = expectCreated(created!, '1')
    expect(updated!.headers['content-id']).toBe('2')
    expect(updated!.statusLine).toBe('HTTP/1.1 204 No Content')
    const contact = await h.api('GET', `contacts(${id})?$select=firstname,lastname,fullname`)
    expect(contact.json).toMatchObject({ lastname: 'BBBBB', fullname: 'First Name BBBBB' })
  })

  it('a reference to a Content-ID declared later: 400 with the documented message, nothing kept', async () => {
    const body = `--batch_AAA123
Content-Type: multipart/mixed; boundary=changeset_BBB456

--changeset_BBB456
Content-Type: application/http
Content-Transfer-Encoding:binary
Content-ID: 2

POST [Organization URI]/api/data/v9.2/phonecalls HTTP/1.1
Content-Type: application/json;type=entry

{
    "phonenumber":"911",
    "regardingobjectid_account_phonecall@odata.bind" : "$1"
}

--changeset_BBB456
Content-Type: application/http
Content-Transfer-Encoding:binary
Content-ID: 1

POST [Organization URI]/api/data/v9.2/accounts HTTP/1.1
Content-Type: application/json;type=entry

{
    "name":"QQQQ",
    "revenue": 1.50
}

--changeset_BBB456--
--batch_AAA123--
`
    const { res, parts } = await batch('batch_AAA123', body)
    expect(res.status).toBe(400)
    const failed = parts[0]!.changeSet![0]!
    expect(failed.status).toBe(400)
    expect(failed.json.error.message).toBe(
      "Content-ID Reference: '$1' does not exist in the batch context."
    )
    expect((await h.api('GET', "accounts?$filter=name eq 'QQQQ'")).json.value).toEqual([])
    expect((await h.api('GET', 'phonecalls/$count')).text).toBe('0')
  })
})

describe('§5.1 errors in a batch', () => {
  const LONG = `Subject is too long ${'x'.repeat(240)}`
  const errorBody = (b: string, prefix: string): string =>
    taskPart(b, LONG) + taskPart(b, `${prefix} 2`) + taskPart(b, `${prefix} 3`) + `--${b}--\n`
  const TOO_LONG = {
    code: '0x80044331',
    message:
      "A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."
  }

  function expectTooLong(part: BatchResponsePart): void {
    expect(part.statusLine).toBe('HTTP/1.1 400 Bad Request')
    expect(part.httpHeaders!['req_id']).toMatch(GUID)
    expect(part.httpHeaders!['content-type']).toBe('application/json; odata.metadata=minimal')
    expect(part.httpHeaders!['odata-version']).toBe('4.0')
    expect(part.json).toEqual({ error: TOO_LONG })
  }

  it('without continue-on-error: stops at the failing request, whose status the batch takes', async () => {
    const b = 'batch_431faf5a-f979-4ee6-a374-d242f8962d41'
    const { res, parts } = await batch(b, errorBody(b, 'Stopped'))
    expect(res.status).toBe(400)
    expect(parts).toHaveLength(1)
    expectTooLong(parts[0]!)
    expect(await subjectsOf('Stopped')).toEqual([])
  })

  it('with Prefer: odata.continue-on-error: 200 and every response', async () => {
    const b = 'batch_662d4610-7f12-4895-ac4a-3fdf77cc10a1'
    const { res, parts } = await batch(b, errorBody(b, 'Continued'), {
      Prefer: 'odata.continue-on-error'
    })
    expect(res.status).toBe(200)
    expect(parts).toHaveLength(3)
    expectTooLong(parts[0]!)
    expectCreated(parts[1]!)
    expectCreated(parts[2]!)
    expect((await subjectsOf('Continued')).sort()).toEqual(['Continued 2', 'Continued 3'])
  })

  it('a failing change set rolls back every operation in it', async () => {
    const b = 'batch_rollback'
    const c = 'changeset_rollback'
    const body = `--${b}
Content-Type: multipart/mixed; boundary=${c}

${taskPart(c, 'Rolled back 1', 'Content-ID: 1\n')}${taskPart(c, LONG, 'Content-ID: 2\n')}--${c}--
--${b}--
`
    const { res, parts } = await batch(b, body)
    expect(res.status).toBe(400)
    expect(parts[0]!.changeSet).toHaveLength(1)
    expect(parts[0]!.changeSet![0]!.headers['content-id']).toBe('2')
    expect(await subjectsOf('Rolled back')).toEqual([])
  })

  it('refuses GET inside a change set, before running anything', async () => {
    const b = 'batch_get'
    const c = 'changeset_get'
    const body = `--${b}
Content-Type: multipart/mixed; boundary=${c}

${taskPart(c, 'Never run', 'Content-ID: 1\n')}--${c}
${GET_TASKS}--${c}--
--${b}--
`
    const res = await h.api('POST', '$batch', {
      headers: { 'Content-Type': `multipart/mixed; boundary=${b}` },
      body
    })
    expect(res.status).toBe(400)
    expect(res.json.error.code).toMatch(/^0x/)
    expect(await subjectsOf('Never run')).toEqual([])
  })

  it('allows 1,000 requests and refuses 1,001 without running any', async () => {
    const b = 'batch_many'
    const many = (n: number, prefix: string): string =>
      Array.from({ length: n }, (_, i) => taskPart(b, `${prefix} ${i}`)).join('') + `--${b}--\n`
    const refused = await h.api('POST', '$batch', {
      headers: { 'Content-Type': `multipart/mixed; boundary=${b}` },
      body: many(1001, 'Too many')
    })
    expect(refused.status).toBe(400)
    expect(refused.json.error.message).toMatch(/at most 1000 requests/)
    expect(await subjectsOf('Too many')).toEqual([])
    const { res, parts } = await batch(b, many(1000, 'Thousand'))
    expect(res.status).toBe(200)
    expect(parts).toHaveLength(1000)
    expect((await h.api('GET', "tasks/$count?$filter=startswith(subject,'Thousand')")).text).toBe(
      '1000'
    )
  })
})
