import { describe, expect, it } from 'vitest'
import { exampleRecord, sampleExample, withDemoTables } from '../../support/doc-tables'
import {
  expectDocumented,
  STANDARD,
  DOC_API_ROOT as ORG,
  JSON_HEADERS
} from '../../support/doc-shapes'
import { entityIdOf, useSandbox, type Json } from '../../support/sandbox-harness'

/**
 * Microsoft's documented example requests replayed verbatim against the sandbox, and the
 * responses compared with the documented ones on status, headers and shape (doc-shapes.ts says
 * what is normalised): bulk operations (§4), §7.3 and §8; doc-fixtures.test.ts has §1–§3.
 * Where the docs contradict themselves, the comment says which form is expected and why.
 */
const h = useSandbox({ schema: withDemoTables(exampleRecord, sampleExample) })

describe('§4 bulk operation fixtures', () => {
  const post = (name: string, body: Json) =>
    h.api('POST', `sample_examples/Microsoft.Dynamics.CRM.${name}`, {
      headers: { ...STANDARD, 'Content-Type': 'application/json; charset=utf-8' },
      body
    })
  const TYPE = 'Microsoft.Dynamics.CRM.sample_example'
  let ids: string[] = []

  it('CreateMultiple: 200 with Ids', async () => {
    const res = await post('CreateMultiple', {
      Targets: [1, 2, 3].map((i) => ({
        sample_name: `sample record 000000${i}`,
        '@odata.type': TYPE
      }))
    })
    expectDocumented(res, {
      status: 200,
      headers: { 'OData-Version': '4.0' },
      body: {
        '@odata.context': `${ORG}/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
        Ids: [
          '8f4c3f92-312b-ee11-bdf4-000d3a993550',
          '904c3f92-312b-ee11-bdf4-000d3a993550',
          '914c3f92-312b-ee11-bdf4-000d3a993550'
        ]
      }
    })
    ids = res.json.Ids
  })

  it('UpdateMultiple: 204', async () => {
    const res = await post('UpdateMultiple', {
      Targets: ids.map((id, i) => ({
        sample_name: `sample record 000000${i + 1} Updated`,
        '@odata.type': TYPE,
        sample_exampleid: id
      }))
    })
    expectDocumented(res, { status: 204, headers: { 'OData-Version': '4.0' } })
  })

  it('UpsertMultiple: 204', async () => {
    const res = await post('UpsertMultiple', {
      Targets: [1, 2, 3, 4].map((i) => ({
        '@odata.type': TYPE,
        sample_name: `sample record 000000${i}`,
        '@odata.id': `sample_examples(sample_keyattribute='000000${i}')`
      }))
    })
    expectDocumented(res, { status: 204, headers: { 'OData-Version': '4.0' } })
  })

  it('§4.2 sdkmessagefilters: is CreateMultiple available for sample_example?', async () => {
    const res = await h.api(
      'GET',
      "sdkmessagefilters?$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq @table&@message='CreateMultiple'&@table='sample_example'",
      { headers: { 'Content-Type': 'application/json' } }
    )
    expectDocumented(res, {
      status: 200,
      headers: JSON_HEADERS,
      body: {
        '@odata.context': `${ORG}/$metadata#sdkmessagefilters(sdkmessagefilterid)`,
        value: [
          {
            '@odata.etag': 'W/"2009110"',
            sdkmessagefilterid: 'f9bedb46-856e-ed11-9561-002248081470'
          }
        ]
      }
    })
  })
})

describe('§7.3 and §8 fixtures', () => {
  it('§7.3 GET after delete: 404 0x80040217', async () => {
    const id = entityIdOf(await h.api('POST', 'accounts', { body: { name: 'Deleted' } }))
    await h.api('DELETE', `accounts(${id})`)
    const res = await h.api('GET', `accounts(${id})`)
    expectDocumented(res, {
      status: 404,
      body: {
        error: {
          code: '0x80040217',
          message: "Entity 'account' With Id = 5b4ced1c-88e1-ee11-904c-6045bd05e9d4 Does Not Exist"
        }
      }
    })
    expect(res.json.error.message).toBe(`Entity 'account' With Id = ${id} Does Not Exist`)
  })

  it('§8.2 paging: two pages of contacts?$select=fullname with odata.maxpagesize=2', async () => {
    for (const [first, last] of [
      ['Yvonne', 'McKay'],
      ['Susanna', 'Stubberod'],
      ['Nancy', 'Anderson'],
      ['Maria', 'Campbell'],
      ['Sidney', 'Higa']
    ]) {
      await h.api('POST', 'contacts', { body: { firstname: first, lastname: `${last} (sample)` } })
    }
    const headers = { Prefer: 'odata.maxpagesize=2' }
    const page = (etags: [string, string]): Json => ({
      '@odata.context': `${ORG}/$metadata#contacts(fullname)`,
      value: etags.map((etag) => ({
        '@odata.etag': etag,
        fullname: 'Yvonne McKay (sample)',
        contactid: '49b0be2e-d01c-ed11-b83e-000d3a572421'
      })),
      '@odata.nextLink': `${ORG}/contacts?$select=fullname&$skiptoken=%3Ccookie%20pagenumber=%222%22%20…%20/%3E`
    })
    const documented = {
      status: 200,
      headers: { 'OData-Version': '4.0', 'Preference-Applied': 'odata.maxpagesize=2' }
    }
    const first = await h.api('GET', 'contacts?$select=fullname', { headers })
    expectDocumented(first, { ...documented, body: page(['W/"72201545"', 'W/"80648695"']) })
    const second = await h.api('GET', first.json['@odata.nextLink'], { headers })
    expectDocumented(second, { ...documented, body: page(['W/"80648710"', 'W/"80648724"']) })
  })

  it('§8.3 $count=true', async () => {
    const res = await h.api('GET', 'accounts?$select=accountid&$count=true')
    const rows = res.json.value.length
    expectDocumented(res, {
      status: 200,
      headers: { 'OData-Version': '4.0' },
      body: {
        '@odata.context': `${ORG}/$metadata#accounts(accountid)`,
        '@odata.count': 9,
        value: Array.from({ length: rows }, () => ({
          '@odata.etag': 'W/"81359849"',
          accountid: '78914942-34cb-ed11-b596-0022481d68cd'
        }))
      }
    })
    expect(res.json['@odata.count']).toBe(rows)
  })

  it('§8.5 create: 204 with OData-EntityId', async () => {
    const res = await h.api('POST', 'accounts', {
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'OData-MaxVersion': '4.0' },
      body: {
        name: 'Sample Account',
        creditonhold: false,
        address1_latitude: 47.639583,
        description: 'This is the description of the sample account',
        revenue: 5000000,
        accountcategorycode: 1
      }
    })
    expectDocumented(res, {
      status: 204,
      headers: {
        'OData-Version': '4.0',
        'OData-EntityId': `${ORG}/accounts(7eb682f1-ca75-e511-80d4-00155d2a68d1)`
      }
    })
  })

  it('§8.6 one table definition (the docs show it in a value array; the service answers one object, §10.13)', async () => {
    const res = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='account')?$select=DisplayName,IsKnowledgeManagementEnabled,EntitySetName"
    )
    const label = {
      Label: 'Account',
      LanguageCode: 1033,
      IsManaged: true,
      MetadataId: '2a4901bf-2241-db11-898a-0007e9e17ebd',
      HasChanged: null
    }
    expectDocumented(res, {
      status: 200,
      headers: JSON_HEADERS,
      body: {
        '@odata.context': `${ORG}/$metadata#EntityDefinitions(DisplayName,IsKnowledgeManagementEnabled,EntitySetName)/$entity`,
        DisplayName: { LocalizedLabels: [label], UserLocalizedLabel: label },
        IsKnowledgeManagementEnabled: false,
        EntitySetName: 'accounts',
        MetadataId: '70816501-edb9-4740-a16c-6a5efbc05d84'
      }
    })
  })

  it('§8.7 WhoAmI', async () => {
    expectDocumented(await h.api('GET', 'WhoAmI'), {
      status: 200,
      body: {
        '@odata.context':
          'https://yourorg.api.crm.dynamics.com/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse',
        BusinessUnitId: '11bb11bb-cc22-dd33-ee44-55ff55ff55ff',
        UserId: '22cc22cc-dd33-ee44-ff55-66aa66aa66aa',
        OrganizationId: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee'
      }
    })
  })
})
