import { describe, expect, it } from 'vitest'
import { handleBatch } from '../../../src-main/sandbox/http/batch'
import {
  ACCOUNT,
  ROOT,
  fakeDataverse,
  read,
  send,
  statusOf,
  type Row
} from '../../support/sandbox-batch-kit'

// Replays the $batch fixtures of reference §5.2 against a fake Dataverse: an in-memory store
// whose transaction() snapshots and restores, so rollback is observable.

const TASKS = [1, 2, 3]
  .map(
    (n) => `--batch_80dd1615-2a10-428a-bb6f-0e559792721f
Content-Type: application/http
Content-Transfer-Encoding: binary

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task ${n} in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
`
  )
  .join('')

// §5.2 "batch without change sets" (the three POST parts differ only in "Task n").
const WITHOUT_CHANGESET = `POST [Organization Uri]/api/data/v9.2/$batch HTTP/1.1
OData-MaxVersion: 4.0
OData-Version: 4.0
If-None-Match: null
Accept: application/json
Content-Type: multipart/mixed; boundary="batch_80dd1615-2a10-428a-bb6f-0e559792721f"

${TASKS}--batch_80dd1615-2a10-428a-bb6f-0e559792721f
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject HTTP/1.1


--batch_80dd1615-2a10-428a-bb6f-0e559792721f--
`

// §5.2 "change set + GET outside it".
const CHANGESET_ITEMS = [1, 2, 3]
  .map(
    (n) => `--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: ${n}

POST /api/data/v9.2/tasks HTTP/1.1
Content-Type: application/json; type=entry

{
  "subject": "Task ${n} in batch",
  "regardingobjectid_account_task@odata.bind": "accounts(00000000-0000-0000-0000-000000000001)"
}
`
  )
  .join('')
const WITH_CHANGESET = `POST [Organization Uri]/api/data/v9.2/$batch HTTP/1.1
OData-MaxVersion: 4.0
OData-Version: 4.0
If-None-Match: null
Accept: application/json
Content-Type: multipart/mixed; boundary="batch_22975cad-7f57-410d-be15-6363209367ea"

--batch_22975cad-7f57-410d-be15-6363209367ea
Content-Type: multipart/mixed; boundary="changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a"

${CHANGESET_ITEMS}--changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a--

--batch_22975cad-7f57-410d-be15-6363209367ea
Content-Type: application/http
Content-Transfer-Encoding: binary

GET /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject HTTP/1.1


--batch_22975cad-7f57-410d-be15-6363209367ea--
`

// §5.2 "Content-ID reference in URL", verbatim (double spaces and all).
const PUT_REFERENCE = `POST [Organization URI]/api/data/v9.2/$batch HTTP/1.1
Content-Type:  multipart/mixed;boundary=batch_AAA123
Accept:  application/json
OData-MaxVersion:  4.0
OData-Version:  4.0

--batch_AAA123
Content-Type: multipart/mixed; boundary=changeset_dd81ccab-11ce-4d57-b91d-12c4e25c3cab

--changeset_dd81ccab-11ce-4d57-b91d-12c4e25c3cab
Content-Type: application/http
Content-Transfer-Encoding: binary
Content-ID: 1

POST [Organization URI]/api/data/v9.2/contacts HTTP/1.1
Content-Type: application/json

{
  "firstname":"First Name",
  "lastname":"Last name"
}

--changeset_dd81ccab-11ce-4d57-b91d-12c4e25c3cab
Content-Transfer-Encoding: binary
Content-Type: application/http
Content-ID: 2

PUT $1/lastname HTTP/1.1
Content-Type: application/json

{
  "value":"BBBBB"
}

--changeset_dd81ccab-11ce-4d57-b91d-12c4e25c3cab--
--batch_AAA123--`

// §5.2 "bad Content-ID reference": the documented excerpt, behind outer headers of our own.
const BAD_REFERENCE = `POST [Organization URI]/api/data/v9.2/$batch HTTP/1.1
Content-Type: multipart/mixed;boundary=batch_AAA123

--batch_AAA123
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

describe.each([
  ['bare LF', '\n'],
  ['CRLF', '\r\n']
])('§5.2 fixtures replayed (%s line endings)', (_name, eol) => {
  it('batch without change set: three creates and a GET that sees them', () => {
    const fake = fakeDataverse()
    const result = send(WITHOUT_CHANGESET, fake.ctx, eol)
    expect(result.status).toBe(200)
    expect(result.headers['Content-Type']).toMatch(
      /^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/
    )
    expect(result.headers['OData-Version']).toBe('4.0')
    const parts = read(result)
    expect(parts.map(statusOf)).toEqual([
      'HTTP/1.1 204 No Content',
      'HTTP/1.1 204 No Content',
      'HTTP/1.1 204 No Content',
      'HTTP/1.1 200 OK'
    ])
    const ids = Object.keys(fake.tasks())
    parts.slice(0, 3).forEach((part, i) => {
      const headers = part.http?.headers.byName
      expect(headers?.['location']).toBe(`${ROOT}tasks(${ids[i]})`)
      expect(headers?.['odata-entityid']).toBe(headers?.['location'])
    })
    const value = JSON.parse(parts[3]?.http?.body ?? '{}').value as Row[]
    expect(value.map((t) => t['subject'])).toEqual([
      'Task 1 in batch',
      'Task 2 in batch',
      'Task 3 in batch'
    ])
    // Server-relative URLs reach the dispatcher absolute; header names lower-cased.
    expect(fake.calls[0]).toMatchObject({ method: 'POST', url: `${ROOT}tasks` })
    expect(fake.calls[0]?.headers).toEqual({ 'content-type': 'application/json; type=entry' })
    expect(fake.calls[3]?.url).toBe(`${ROOT}accounts(${ACCOUNT})/Account_Tasks?$select=subject`)
    expect(fake.calls[3]?.body).toBe('')
  })

  it('change set + GET outside it: one transaction, Content-IDs echoed', () => {
    const fake = fakeDataverse()
    const parts = read(send(WITH_CHANGESET, fake.ctx, eol))
    expect(parts).toHaveLength(2)
    expect(parts[0]?.headers['content-type']).toMatch(
      /^multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}$/
    )
    expect(parts[0]?.changeset?.map((p) => p.headers['content-id'])).toEqual(['1', '2', '3'])
    expect(parts[0]?.changeset?.map(statusOf)).toEqual(Array(3).fill('HTTP/1.1 204 No Content'))
    expect(fake.transactions()).toBe(1)
    expect(JSON.parse(parts[1]?.http?.body ?? '{}').value).toHaveLength(3)
  })

  it('PUT $1/lastname: the reference becomes the created contact URL', () => {
    const fake = fakeDataverse()
    const result = send(PUT_REFERENCE, fake.ctx, eol)
    expect(result.status).toBe(200)
    const [contactId] = Object.keys(fake.table('contacts'))
    expect(fake.calls[0]?.url).toBe(`${ROOT}contacts`)
    expect(fake.calls[1]).toMatchObject({
      method: 'PUT',
      url: `${ROOT}contacts(${contactId})/lastname`
    })
    expect(fake.table('contacts')[contactId ?? '']).toEqual({
      firstname: 'First Name',
      lastname: 'BBBBB'
    })
    const items = read(result)[0]?.changeset
    expect(items?.map((p) => [p.headers['content-id'], statusOf(p)])).toEqual([
      ['1', 'HTTP/1.1 204 No Content'],
      ['2', 'HTTP/1.1 204 No Content']
    ])
  })

  it('bad Content-ID reference ($1 declared by a later item) → 400 with the documented message', () => {
    const fake = fakeDataverse()
    const result = send(BAD_REFERENCE, fake.ctx, eol)
    expect(result.status).toBe(400)
    const [changeset] = read(result)
    expect(changeset?.changeset).toHaveLength(1)
    const failed = changeset?.changeset?.[0]
    expect(failed?.headers['content-id']).toBe('2')
    expect(statusOf(failed)).toBe('HTTP/1.1 400 Bad Request')
    expect(JSON.parse(failed?.http?.body ?? '{}').error.message).toBe(
      "Content-ID Reference: '$1' does not exist in the batch context."
    )
    expect(fake.calls).toHaveLength(0)
    expect(fake.table('phonecalls')).toEqual({})
    expect(Object.keys(fake.table('accounts'))).toEqual([ACCOUNT])
  })
})

/** A change set of `items` (`[contentId, requestText]`), LF endings, inside a batch. */
function changeSet(items: Array<[string, string]>, after = ''): string {
  const parts = items.map(
    ([id, request]) =>
      `--cs\nContent-Type: application/http\nContent-Transfer-Encoding: binary\nContent-ID: ${id}\n\n${request}\n`
  )
  return `--b\nContent-Type: multipart/mixed; boundary=cs\n\n${parts.join('')}--cs--\n${after}--b--\n`
}
const post = (set: string, body: object): string =>
  `POST ${set} HTTP/1.1\nContent-Type: application/json\n\n${JSON.stringify(body)}`

describe('change sets are atomic (§5.1, §10 item 12)', () => {
  const threeTasks = (third: string) =>
    changeSet(
      ['Task 1', 'Task 2', third].map((subject, i) => [String(i + 1), post('tasks', { subject })]),
      '--b\nContent-Type: application/http\n\nGET tasks HTTP/1.1\n\n'
    )

  it('a failing item rolls back the items before it; the response is that item alone', () => {
    const fake = fakeDataverse()
    const result = handleBatch(
      'multipart/mixed; boundary=b',
      threeTasks('x'.repeat(201)),
      {},
      fake.ctx
    )
    expect(fake.calls).toHaveLength(3)
    expect(fake.tasks()).toEqual({})
    expect(result.status).toBe(400)
    const parts = read(result)
    expect(parts).toHaveLength(1) // stopped: the GET after the change set never ran
    expect(parts[0]?.changeset?.map((p) => [p.headers['content-id'], statusOf(p)])).toEqual([
      ['3', 'HTTP/1.1 400 Bad Request']
    ])
  })

  it('with continue-on-error the batch goes on after the rolled-back change set', () => {
    const fake = fakeDataverse()
    const prefer = { prefer: 'odata.continue-on-error' }
    const result = handleBatch(
      'multipart/mixed; boundary=b',
      threeTasks('x'.repeat(201)),
      prefer,
      fake.ctx
    )
    expect(result.status).toBe(200)
    expect(read(result).map((p) => p.changeset?.length ?? statusOf(p))).toEqual([
      1,
      'HTTP/1.1 404 Not Found'
    ])
    expect(fake.tasks()).toEqual({})
  })

  it('substitutes $n in @odata.bind and @odata.id values with the earlier entity URL', () => {
    const fake = fakeDataverse()
    const batch = changeSet([
      ['1', post('accounts', { name: 'Contoso' })],
      ['2', post('contacts', { lastname: 'Z', 'parentcustomerid_account@odata.bind': '$1' })],
      ['3', `POST $1/contact_customer_accounts/$ref HTTP/1.1\n\n{ "@odata.id": "$2" }`]
    ])
    const result = handleBatch('multipart/mixed; boundary=b', batch, {}, fake.ctx)
    expect(result.status).toBe(200)
    const account = Object.keys(fake.table('accounts')).find((id) => id !== ACCOUNT)
    const [contact] = Object.keys(fake.table('contacts'))
    expect(fake.table('contacts')[contact ?? '']).toEqual({
      lastname: 'Z',
      'parentcustomerid_account@odata.bind': `${ROOT}accounts(${account})`
    })
    expect(fake.calls[2]?.url).toBe(`${ROOT}accounts(${account})/contact_customer_accounts/$ref`)
    expect(fake.calls[2]?.body).toBe(`{ "@odata.id": "${ROOT}contacts(${contact})" }`)
  })

  it('a $n reference outside a change set does not exist (§5.1: same change set only)', () => {
    const fake = fakeDataverse()
    const batch =
      '--b\nContent-Type: application/http\nContent-ID: 1\n\nPATCH $1 HTTP/1.1\n\n{}\n--b--'
    const result = handleBatch('multipart/mixed; boundary=b', batch, {}, fake.ctx)
    expect(result.status).toBe(400)
    expect(read(result)[0]?.http?.body).toContain("Content-ID Reference: '$1' does not exist")
  })
})
