import { beforeAll, describe, expect, it } from 'vitest'
import { exampleRecord, sampleExample, withDemoTables } from '../../support/doc-tables'
import {
  expectDocumented,
  STANDARD,
  DOC_API_ROOT as ORG,
  JSON_HEADERS
} from '../../support/doc-shapes'
import { entityIdOf, expectError, useSandbox, type Json } from '../../support/sandbox-harness'

/**
 * Microsoft's documented example requests replayed verbatim against the sandbox, and the
 * responses compared with the documented ones on status, headers and shape (doc-shapes.ts says
 * what is normalised). Where the docs contradict themselves, the comment says which form is
 * expected and why (reference §1.3, §8.6, §10.13).
 */
const h = useSandbox({ schema: withDemoTables(exampleRecord, sampleExample) })

describe('§1 change tracking fixtures', () => {
  let monteOrton = ''

  beforeAll(async () => {
    monteOrton = entityIdOf(
      await h.api('POST', 'accounts', {
        body: { name: 'Monte Orton', telephone1: '555000', fax: '10101' }
      })
    )
  })

  it('§1.2 initial request with Prefer: odata.track-changes', async () => {
    const res = await h.api('GET', 'accounts?$select=name,accountnumber,telephone1,fax', {
      headers: { Prefer: 'odata.track-changes', 'Content-Type': 'application/json' }
    })
    expectDocumented(res, {
      status: 200,
      headers: { 'OData-Version': '4.0', 'Preference-Applied': 'odata.track-changes' },
      body: {
        '@odata.context': `${ORG}/$metadata#accounts(name,accountnumber,telephone1,fax)`,
        '@odata.deltaLink': `${ORG}/accounts?$select=name,accountnumber,telephone1,fax&$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44`,
        value: [
          {
            '@odata.etag': 'W/"915244"',
            name: 'Monte Orton',
            accountnumber: null,
            telephone1: '555000',
            fax: '10101',
            accountid: '60c4e274-0d87-e711-80e5-00155db19e6d'
          }
        ]
      }
    })
  })

  it('§1.3 delta request: changed row, then the deleted one', async () => {
    const gone = entityIdOf(await h.api('POST', 'accounts', { body: { name: 'Deleted later' } }))
    const link = (
      await h.api('GET', 'accounts?$select=name,accountnumber,telephone1,fax', {
        headers: { Prefer: 'odata.track-changes' }
      })
    ).json['@odata.deltaLink']
    await h.api('PATCH', `accounts(${monteOrton})`, { body: { telephone1: '555000' } })
    await h.api('DELETE', `accounts(${gone})`)
    const res = await h.api('GET', link, { headers: { 'Content-Type': 'application/json' } })
    // The docs' delta response drops accountnumber from $select and /api from the context
    // (§1.3 lists both as doc errors); the sandbox echoes the request's $select.
    expectDocumented(res, {
      status: 200,
      headers: { 'OData-Version': '4.0' },
      body: {
        '@odata.context': `${ORG}/$metadata#accounts(name,accountnumber,telephone1,fax)/$delta`,
        '@odata.deltaLink': `${ORG}/accounts?$select=name,accountnumber,telephone1,fax&$deltatoken=919058%2108%2f22%2f2017%2008%3a21%3a20`,
        value: [
          {
            '@odata.etag': 'W/"915244"',
            name: 'Monte Orton',
            accountnumber: null,
            telephone1: '555000',
            fax: '10101',
            accountid: '60c4e274-0d87-e711-80e5-00155db19e6d'
          },
          {
            '@odata.context': `${ORG}/$metadata#accounts/$deletedEntity`,
            id: '2e451703-c686-e711-80e5-00155db19e6d',
            reason: 'deleted'
          }
        ]
      }
    })
  })
})

describe('§3.2 upsert fixtures', () => {
  const headers = { 'OData-MaxVersion': '4.0', ...STANDARD, 'Content-Type': 'application/json' }

  it('create with upsert, then update with upsert: 204 and OData-EntityId both times', async () => {
    const path = 'example_records(example_key1=2,example_key2=2)'
    const documented = {
      status: 204,
      headers: { 'OData-Version': '4.0', 'OData-EntityId': `${ORG}/${path}` }
    }
    expectDocumented(
      await h.api('PATCH', path, { headers, body: { example_name: '2:2' } }),
      documented
    )
    expectDocumented(
      await h.api('PATCH', path, { headers, body: { example_name: '2:2 Updated' } }),
      documented
    )
  })

  it('with return=representation: 201 when created, 200 when updated', async () => {
    const path = 'example_records(example_key1=3,example_key2=3)?$select=example_recordid'
    const prefer = { ...headers, Prefer: 'return=representation' }
    const body = (etag: string): Json => ({
      '@odata.context': `${ORG}/$metadata#example_records(example_recordid)/$entity`,
      '@odata.etag': etag,
      example_recordid: 'ef0d112e-d70e-ed11-82e5-00224822577b'
    })
    expectDocumented(
      await h.api('PATCH', path, { headers: prefer, body: { example_name: '3:3' } }),
      {
        status: 201,
        headers: {
          'Content-Type': 'application/json; odata.metadata=minimal',
          ETag: 'W/"71004878"',
          'Preference-Applied': 'return=representation',
          'OData-Version': '4.0'
        },
        body: body('W/"71004878"')
      }
    )
    expectDocumented(
      await h.api('PATCH', path, { headers: prefer, body: { example_name: '3:3 Updated' } }),
      {
        status: 200,
        headers: {
          'Content-Type': 'application/json; odata.metadata=minimal',
          ETag: 'W/"71004880"',
          'OData-Version': '4.0'
        },
        body: body('W/"71004880"')
      }
    )
  })

  const sampleAccount = {
    name: 'Updated Sample Account ',
    creditonhold: true,
    address1_latitude: 47.639583,
    description: 'This is the updated description of the sample account',
    revenue: 6000000,
    accountcategorycode: 2
  }

  it('prevent create (If-Match: *): 404 when missing, in the current service form (§7.3)', async () => {
    const id = '00000000-0000-0000-0000-000000000001'
    const res = await h.api('PATCH', `accounts(${id})`, {
      headers: { 'If-Match': '*' },
      body: sampleAccount
    })
    expectDocumented(res, {
      status: 404,
      headers: JSON_HEADERS,
      body: { error: { code: '', message: 'account With Id = … Does Not Exist' } }
    })
    expectError(res, 404, '0x80040217', `Entity 'account' With Id = ${id} Does Not Exist`)
  })

  it('prevent update (If-None-Match: *): 204 when missing, 412 when found', async () => {
    const id = '00000000-0000-0000-0000-000000000002'
    const request = { headers: { 'If-None-Match': '*' }, body: sampleAccount }
    expectDocumented(await h.api('PATCH', `accounts(${id})`, request), { status: 204 })
    const res = await h.api('PATCH', `accounts(${id})`, request)
    expectDocumented(res, {
      status: 412,
      headers: JSON_HEADERS,
      body: { error: { code: '', message: 'A record with matching key values already exists.' } }
    })
    expectError(res, 412, '0x80040237', 'A record with matching key values already exists.')
  })
})

describe('§3.3 conditional operation fixtures', () => {
  let id = ''
  let etag = ''

  beforeAll(async () => {
    id = entityIdOf(
      await h.api('POST', 'accounts', { body: { name: 'Conditional', numberofemployees: 5 } })
    )
    etag = (await h.api('GET', `accounts(${id})`)).headers.get('etag')!
  })

  it('GET with If-None-Match of the current version: 304', async () => {
    const res = await h.api(
      'GET',
      `accounts(${id})?$select=accountcategorycode,accountnumber,creditonhold,createdon,numberofemployees,name,revenue`,
      { headers: { 'If-None-Match': etag } }
    )
    expectDocumented(res, {
      status: 304,
      headers: JSON_HEADERS
    })
  })

  it('DELETE and PATCH with a stale If-Match: 412 with the documented message', async () => {
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'Moved on' } })
    const stale = {
      status: 412,
      headers: JSON_HEADERS,
      body: {
        error: {
          code: '',
          message:
            "The version of the existing record doesn't match the RowVersion property provided."
        }
      }
    }
    const del = await h.api('DELETE', `accounts(${id})`, { headers: { 'If-Match': etag } })
    expectDocumented(del, stale)
    const patch = await h.api('PATCH', `accounts(${id})`, {
      headers: { 'If-Match': etag },
      body: { name: 'Updated Account Name' }
    })
    expectDocumented(patch, stale)
    expect([del.json.error.code, patch.json.error.code]).toEqual(['0x80060882', '0x80060882'])
  })
})
