import { describe, expect, it } from 'vitest'
import { exampleRecord, withDemoTables } from '../../support/doc-tables'
import { entityIdOf, expectError, useSandbox, type Json } from '../../support/sandbox-harness'

/**
 * Upsert semantics (reference §3.1, §3.2): PATCH by key creates or updates, the response does not
 * say which, and the key columns in the body follow the documented rules. The verbatim replays of
 * the documented requests are in doc-fixtures.test.ts.
 */
const h = useSandbox({ schema: withDemoTables(exampleRecord) })

const record = async (k1: number, k2: number): Promise<Json> =>
  (await h.api('GET', `example_records(example_key1=${k1},example_key2=${k2})`)).json

describe('§3.1 PATCH is an upsert', () => {
  it('creates, then updates the same row, answering 204 both times', async () => {
    const path = 'example_records(example_key1=10,example_key2=1)'
    const first = await h.api('PATCH', path, { body: { example_name: 'created' } })
    const second = await h.api('PATCH', path, { body: { example_name: 'updated' } })
    expect([first.status, second.status]).toEqual([204, 204])
    expect(first.headers.get('odata-entityid')).toBe(`${h.sandbox.apiBase}${path}`)
    expect(second.headers.get('odata-entityid')).toBe(`${h.sandbox.apiBase}${path}`)
    const rows = await h.api('GET', 'example_records?$filter=example_key1 eq 10')
    expect(rows.json.value).toHaveLength(1)
    expect(rows.json.value[0]).toMatchObject({
      example_name: 'updated',
      example_key1: 10,
      example_key2: 1
    })
  })

  it('with return=representation: 201 when it created, 200 when it updated', async () => {
    const path = 'example_records(example_key1=11,example_key2=1)?$select=example_name'
    const headers = { Prefer: 'return=representation' }
    const created = await h.api('PATCH', path, { headers, body: { example_name: 'a' } })
    const updated = await h.api('PATCH', path, { headers, body: { example_name: 'b' } })
    expect(created.status).toBe(201)
    expect(updated.status).toBe(200)
    expect(created.json.example_recordid).toBe(updated.json.example_recordid)
    expect(updated.json.example_name).toBe('b')
    expect(created.headers.get('odata-entityid')).toBeNull()
  })

  it('by primary key: creates the record with that id', async () => {
    const id = '3c7d9e10-5a1b-4c2d-8e3f-0000000000aa'
    const res = await h.api('PATCH', `accounts(${id})`, { body: { name: 'Upserted by id' } })
    expect(res.status).toBe(204)
    expect(entityIdOf(res)).toBe(id)
    expect((await h.api('GET', `accounts(${id})?$select=name`)).json.name).toBe('Upserted by id')
  })
})

describe('§3.1 key columns in the body', () => {
  it('are copied from the URL into a new row when the body has none', async () => {
    await h.api('PATCH', 'example_records(example_key1=20,example_key2=2)', {
      body: { example_name: 'from URL' }
    })
    expect(await record(20, 2)).toMatchObject({ example_key1: 20, example_key2: 2 })
  })

  it('win over the URL when the record does not exist yet', async () => {
    const res = await h.api('PATCH', 'example_records(example_key1=21,example_key2=1)', {
      body: { example_name: 'from body', example_key2: 99 }
    })
    expect(res.status).toBe(204)
    expect(await record(21, 99)).toMatchObject({ example_name: 'from body' })
    expectError(
      await h.api('GET', 'example_records(example_key1=21,example_key2=1)'),
      404,
      '0x80060891'
    )
  })

  it('are dropped when the record exists: the key that names a row cannot change it', async () => {
    const path = 'example_records(example_key1=22,example_key2=1)'
    await h.api('PATCH', path, { body: { example_name: 'v1' } })
    const res = await h.api('PATCH', path, { body: { example_name: 'v2', example_key2: 77 } })
    expect(res.status).toBe(204)
    expect(await record(22, 1)).toMatchObject({ example_name: 'v2', example_key2: 1 })
  })

  it('a new row whose body keys collide with another row is 412 0x80060892', async () => {
    await h.api('PATCH', 'example_records(example_key1=23,example_key2=1)', {
      body: { example_name: 'taken' }
    })
    expectError(
      await h.api('PATCH', 'example_records(example_key1=23,example_key2=2)', {
        body: { example_name: 'collides', example_key2: 1 }
      }),
      412,
      '0x80060892'
    )
  })
})

describe('§3.2 conditional upsert', () => {
  it('If-Match: * only updates: 404 for a missing record, 204 for an existing one', async () => {
    const id = '00000000-0000-0000-0000-000000000001'
    const body = {
      name: 'Updated Sample Account ',
      creditonhold: true,
      address1_latitude: 47.639583,
      description: 'This is the updated description of the sample account',
      revenue: 6000000,
      accountcategorycode: 2
    }
    const missing = await h.api('PATCH', `accounts(${id})`, { headers: { 'If-Match': '*' }, body })
    expectError(missing, 404, '0x80040217', `Entity 'account' With Id = ${id} Does Not Exist`)
    expectError(await h.api('GET', `accounts(${id})`), 404, '0x80040217')
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'Exists now' } })
    const found = await h.api('PATCH', `accounts(${id})`, { headers: { 'If-Match': '*' }, body })
    expect(found.status).toBe(204)
    expect((await h.api('GET', `accounts(${id})?$select=revenue`)).json.revenue).toBe(6000000)
  })

  it('If-Match: * by alternate key on a missing record is 404 0x80060891', async () => {
    const res = await h.api('PATCH', 'example_records(example_key1=30,example_key2=30)', {
      headers: { 'If-Match': '*' },
      body: { example_name: 'never' }
    })
    expectError(res, 404, '0x80060891')
  })

  it('If-None-Match: * only creates: 204 first, then 412 with the documented message', async () => {
    const path = 'example_records(example_key1=31,example_key2=1)'
    const headers = { 'If-None-Match': '*' }
    expect((await h.api('PATCH', path, { headers, body: { example_name: 'once' } })).status).toBe(
      204
    )
    expectError(
      await h.api('PATCH', path, { headers, body: { example_name: 'twice' } }),
      412,
      '0x80040237',
      'A record with matching key values already exists.'
    )
    expect((await record(31, 1)).example_name).toBe('once')
  })

  it("If-None-Match: null is the docs' cache header, not a precondition", async () => {
    const path = 'example_records(example_key1=32,example_key2=1)'
    const headers = { 'If-None-Match': 'null' }
    await h.api('PATCH', path, { headers, body: { example_name: 'one' } })
    const res = await h.api('PATCH', path, { headers, body: { example_name: 'two' } })
    expect(res.status).toBe(204)
    expect((await record(32, 1)).example_name).toBe('two')
  })
})
