import { describe, expect, it } from 'vitest'
import type { TableDef } from '../../../src-main/sandbox/schema/types'
import { sampleExample, withDemoTables } from '../../support/doc-tables'
import { expectError, GUID, useSandbox, type Json } from '../../support/sandbox-harness'

/** CreateMultiple, UpdateMultiple and UpsertMultiple on a standard table (reference §4). */

/** A table without the bulk messages (§4.2: "many (not all) system tables"). */
const legacy: TableDef = {
  logicalName: 'new_legacy',
  entitySetName: 'new_legacies',
  primaryIdAttribute: 'new_legacyid',
  primaryNameAttribute: 'new_name',
  changeTracking: false,
  bulkMessages: false,
  columns: [
    { name: 'new_legacyid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'new_name', type: 'String' }
  ]
}

const h = useSandbox({ schema: withDemoTables(sampleExample, legacy) })

const TYPE = 'Microsoft.Dynamics.CRM.sample_example'
const action = (name: string): string => `sample_examples/Microsoft.Dynamics.CRM.${name}`
const target = (fields: Record<string, unknown>) => ({ ...fields, '@odata.type': TYPE })

async function names(filter: string): Promise<string[]> {
  const res = await h.api('GET', `sample_examples?$select=sample_name&$filter=${filter}`)
  return res.json.value.map((r: Json) => r.sample_name).sort()
}

const count = async (): Promise<number> =>
  Number((await h.api('GET', 'sample_examples/$count')).text)

describe('§4.1 CreateMultiple', () => {
  it('answers 200 with the new ids in the order of Targets', async () => {
    const res = await h.api('POST', action('CreateMultiple'), {
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: {
        Targets: [1, 2, 3].map((i) => target({ sample_name: `created 000000${i}` }))
      }
    })
    expect(res.status, res.text).toBe(200)
    expect(res.headers.get('odata-version')).toBe('4.0')
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`
    )
    expect(res.json.Ids).toHaveLength(3)
    for (const [i, id] of (res.json.Ids as string[]).entries()) {
      expect(id).toMatch(GUID)
      const row = await h.api('GET', `sample_examples(${id})?$select=sample_name`)
      expect(row.json.sample_name).toBe(`created 000000${i + 1}`)
    }
  })

  it('is all-or-nothing: one bad target rolls back the others and its error is the answer', async () => {
    const before = await count()
    const res = await h.api('POST', action('CreateMultiple'), {
      body: {
        Targets: [
          target({ sample_name: 'rolled back 1' }),
          target({ sample_name: 'rolled back 2' }),
          target({ sample_name: 'x'.repeat(101) })
        ]
      }
    })
    expectError(res, 400, '0x80044331', /exceeded the maximum allowed length of '100'/)
    expect(await count()).toBe(before)
    expect(await names("startswith(sample_name,'rolled back')")).toEqual([])
  })

  it('requires @odata.type on every target', async () => {
    const before = await count()
    const res = await h.api('POST', action('CreateMultiple'), {
      body: { Targets: [target({ sample_name: 'typed' }), { sample_name: 'untyped' }] }
    })
    expectError(res, 400, '0x80048d19', /@odata\.type/)
    expect(await count()).toBe(before)
  })

  it('refuses a body without a Targets array', async () => {
    for (const body of [{}, { Targets: [] }, { Targets: 'x' }]) {
      expectError(await h.api('POST', action('CreateMultiple'), { body }), 400, '0x80048d19')
    }
  })
})

describe('§4.1 UpdateMultiple', () => {
  async function createThree(prefix: string): Promise<string[]> {
    const res = await h.api('POST', action('CreateMultiple'), {
      body: { Targets: [1, 2, 3].map((i) => target({ sample_name: `${prefix} ${i}` })) }
    })
    return res.json.Ids
  }

  it('answers 204 and updates each record named by its primary key', async () => {
    const ids = await createThree('to update')
    const res = await h.api('POST', action('UpdateMultiple'), {
      body: {
        Targets: ids.map((id, i) =>
          target({ sample_name: `to update ${i + 1} Updated`, sample_exampleid: id })
        )
      }
    })
    expect(res.status, res.text).toBe(204)
    expect(await names("startswith(sample_name,'to update')")).toEqual([
      'to update 1 Updated',
      'to update 2 Updated',
      'to update 3 Updated'
    ])
  })

  it('applies only the first of duplicate targets', async () => {
    const [id] = await createThree('duplicate update')
    const res = await h.api('POST', action('UpdateMultiple'), {
      body: {
        Targets: [
          target({ sample_name: 'first wins', sample_exampleid: id }),
          target({ sample_name: 'second ignored', sample_exampleid: id!.toUpperCase() })
        ]
      }
    })
    expect(res.status).toBe(204)
    expect((await h.api('GET', `sample_examples(${id})/sample_name`)).json.value).toBe('first wins')
  })

  it('requires the primary key; nothing is written when one target lacks it', async () => {
    const [id] = await createThree('no key')
    const res = await h.api('POST', action('UpdateMultiple'), {
      body: {
        Targets: [
          target({ sample_name: 'applied?', sample_exampleid: id }),
          target({ sample_name: 'keyless', sample_keyattribute: 'K' })
        ]
      }
    })
    expectError(res, 400, '0x80048d19', /sample_exampleid/)
    expect((await h.api('GET', `sample_examples(${id})/sample_name`)).json.value).toBe('no key 1')
  })

  it('a missing record fails the whole request with 404', async () => {
    const [id] = await createThree('missing')
    const res = await h.api('POST', action('UpdateMultiple'), {
      body: {
        Targets: [
          target({ sample_name: 'not applied', sample_exampleid: id }),
          target({ sample_name: 'ghost', sample_exampleid: '0f0f0f0f-0000-4000-8000-000000000000' })
        ]
      }
    })
    expectError(res, 404, '0x80040217')
    expect((await h.api('GET', `sample_examples(${id})/sample_name`)).json.value).toBe('missing 1')
  })
})

describe('§4.1 UpsertMultiple', () => {
  const upsert = (rows: [string, string][]) =>
    h.api('POST', action('UpsertMultiple'), {
      body: {
        Targets: rows.map(([key, name]) =>
          target({
            sample_name: name,
            '@odata.id': `sample_examples(sample_keyattribute='${key}')`
          })
        )
      }
    })

  it('creates by alternate key, then updates the same rows: 204 both times, no duplicates', async () => {
    const keys = ['0000001', '0000002', '0000003', '0000004']
    const first = await upsert(keys.map((k) => [k, `sample record ${k}`]))
    expect(first.status, first.text).toBe(204)
    const second = await upsert(keys.map((k) => [k, `sample record ${k} v2`]))
    expect(second.status).toBe(204)
    const res = await h.api(
      'GET',
      "sample_examples?$select=sample_name,sample_keyattribute&$filter=startswith(sample_keyattribute,'000000')&$orderby=sample_keyattribute"
    )
    expect(res.json.value.map((r: Json) => [r.sample_keyattribute, r.sample_name])).toEqual(
      keys.map((k) => [k, `sample record ${k} v2`])
    )
  })

  it('refuses duplicate targets, writing nothing', async () => {
    const res = await upsert([
      ['DUP-A', 'one'],
      ['DUP-A', 'two']
    ])
    expect(res.status).toBe(400)
    expect(res.json.error.code).toMatch(/^0x/)
    expectError(
      await h.api('GET', "sample_examples(sample_keyattribute='DUP-A')"),
      404,
      '0x80060891'
    )
    // Key values compare case-insensitively, so these name one record too.
    const mixed = await upsert([
      ['Dup-B', 'one'],
      ['dup-b', 'two']
    ])
    expect(mixed.status).toBe(400)
  })

  it('refuses key columns repeated in the body on the create path (400)', async () => {
    const res = await h.api('POST', action('UpsertMultiple'), {
      body: {
        Targets: [
          target({
            sample_name: 'repeated',
            sample_keyattribute: 'REP-1',
            '@odata.id': "sample_examples(sample_keyattribute='REP-1')"
          })
        ]
      }
    })
    expectError(res, 400, '0x80048d19', /sample_keyattribute/)
  })

  it('is all-or-nothing', async () => {
    const before = await count()
    const res = await h.api('POST', action('UpsertMultiple'), {
      body: {
        Targets: [
          target({
            sample_name: 'ok',
            '@odata.id': "sample_examples(sample_keyattribute='AON-1')"
          }),
          target({
            sample_name: 'y'.repeat(101),
            '@odata.id': "sample_examples(sample_keyattribute='AON-2')"
          })
        ]
      }
    })
    expectError(res, 400, '0x80044331')
    expect(await count()).toBe(before)
  })
})

describe('§4.2 availability', () => {
  it('the documented sdkmessagefilters query, with parameter aliases', async () => {
    const query = (table: string) =>
      h.api(
        'GET',
        `sdkmessagefilters?$select=sdkmessagefilterid&$filter=sdkmessageid/name eq @message and primaryobjecttypecode eq @table&@message='CreateMultiple'&@table='${table}'`
      )
    const res = await query('sample_example')
    expect(res.status, res.text).toBe(200)
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#sdkmessagefilters(sdkmessagefilterid)`
    )
    expect(res.json.value).toEqual([
      {
        '@odata.etag': expect.stringMatching(/^W\/"\d+"$/),
        sdkmessagefilterid: expect.stringMatching(GUID)
      }
    ])
    expect((await query('new_legacy')).json.value).toEqual([])
  })

  it('a table without the bulk messages answers 404 for them', async () => {
    for (const name of ['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple']) {
      const res = await h.api('POST', `new_legacies/Microsoft.Dynamics.CRM.${name}`, {
        body: { Targets: [{ new_name: 'x', '@odata.type': 'Microsoft.Dynamics.CRM.new_legacy' }] }
      })
      expectError(res, 404, '0x80060888', new RegExp(name))
    }
  })

  it('DeleteMultiple is for elastic tables only: a standard table answers 404', async () => {
    const res = await h.api('POST', action('DeleteMultiple'), {
      body: { Targets: [target({ sample_exampleid: '0f0f0f0f-0000-4000-8000-000000000001' })] }
    })
    expectError(res, 404, '0x80060888')
  })
})
