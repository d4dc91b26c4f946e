import { describe, expect, it } from 'vitest'
import {
  entityIdOf,
  expectError,
  GUID,
  SMALL_SEED,
  useSandbox,
  type ApiOptions
} from '../../support/sandbox-harness'

/** Create, retrieve, update and delete single records (reference §8.5, §3.1, §3.3, §7). */
const h = useSandbox(SMALL_SEED)

async function create(set: string, body: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', set, { body })
  expect(res.status, res.text).toBe(204)
  return entityIdOf(res)
}

const get = (path: string, options?: ApiOptions) => h.api('GET', path, options)

describe('§8.5 create', () => {
  it('POST answers 204 with OData-EntityId and no body', async () => {
    const res = await h.api('POST', 'accounts', {
      body: {
        name: 'Sample Account',
        creditonhold: false,
        address1_latitude: 47.639583,
        description: 'This is the description of the sample account',
        revenue: 5000000,
        accountcategorycode: 1
      }
    })
    expect(res.status).toBe(204)
    expect(res.text).toBe('')
    expect(res.headers.get('odata-version')).toBe('4.0')
    const id = entityIdOf(res)
    expect(res.headers.get('odata-entityid')).toBe(`${h.sandbox.apiBase}accounts(${id})`)
    const row = (await get(`accounts(${id})`)).json
    expect(row).toMatchObject({
      name: 'Sample Account',
      creditonhold: false,
      address1_latitude: 47.639583,
      revenue: 5000000,
      accountcategorycode: 1,
      statecode: 0,
      statuscode: 1
    })
  })

  it('return=representation answers 201 with the record and no OData-EntityId', async () => {
    const res = await h.api('POST', 'accounts?$select=name,accountid', {
      headers: { Prefer: 'return=representation' },
      body: { name: 'Represented' }
    })
    expect(res.status).toBe(201)
    expect(res.headers.get('preference-applied')).toBe('return=representation')
    expect(res.headers.get('odata-entityid')).toBeNull()
    expect(res.headers.get('etag')).toBe(res.json['@odata.etag'])
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#accounts(name,accountid)/$entity`
    )
    expect(res.json).toEqual({
      '@odata.context': expect.any(String),
      '@odata.etag': expect.stringMatching(/^W\/"\d+"$/),
      name: 'Represented',
      accountid: expect.stringMatching(GUID)
    })
  })

  it('honours a primary key given in the body, and refuses it once taken (0x80040237)', async () => {
    const id = '6d2a0b0e-1f2e-4c3b-9a8d-000000000abc'
    expect(
      entityIdOf(await h.api('POST', 'accounts', { body: { accountid: id, name: 'Own id' } }))
    ).toBe(id)
    const again = await h.api('POST', 'accounts', { body: { accountid: id, name: 'Own id 2' } })
    expectError(again, 412, '0x80040237')
  })

  it('fills the computed contact.fullname and keeps it current', async () => {
    const id = await create('contacts', { firstname: 'Grace', lastname: 'Hopper' })
    expect((await get(`contacts(${id})?$select=fullname`)).json.fullname).toBe('Grace Hopper')
    await h.api('PATCH', `contacts(${id})`, { body: { lastname: 'Brewster Hopper' } })
    expect((await get(`contacts(${id})?$select=fullname`)).json.fullname).toBe(
      'Grace Brewster Hopper'
    )
  })
})

describe('§8.5 retrieve', () => {
  it('GET by id returns the record with /$entity context and an ETag header', async () => {
    const id = await create('accounts', { name: 'Retrieve me', accountnumber: 'R-1' })
    const res = await get(`accounts(${id})?$select=name,accountnumber`)
    expect(res.status).toBe(200)
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#accounts(name,accountnumber)/$entity`
    )
    expect(res.headers.get('etag')).toMatch(/^W\/"\d+"$/)
    expect(res.headers.get('etag')).toBe(res.json['@odata.etag'])
    expect(res.json).toMatchObject({ name: 'Retrieve me', accountnumber: 'R-1', accountid: id })
  })

  it('accepts the named primary key form accounts(accountid=…) and upper-case GUIDs', async () => {
    const id = await create('accounts', { name: 'Named key' })
    expect((await get(`accounts(accountid=${id})?$select=name`)).json.name).toBe('Named key')
    expect((await get(`accounts(${id.toUpperCase()})?$select=name`)).json.name).toBe('Named key')
  })

  it('answers 404 0x80040217 with the documented message for a missing id', async () => {
    const id = '5b4ced1c-88e1-ee11-904c-6045bd05e9d4'
    expectError(
      await get(`accounts(${id})`),
      404,
      '0x80040217',
      `Entity 'account' With Id = ${id} Does Not Exist`
    )
  })

  it('reads and writes one property: accounts(id)/name', async () => {
    const id = await create('accounts', { name: 'Property' })
    const res = await get(`accounts(${id})/name`)
    expect(res.json.value).toBe('Property')
    expect(
      (await h.api('PUT', `accounts(${id})/name`, { body: { value: 'Property 2' } })).status
    ).toBe(204)
    expect((await get(`accounts(${id})/name`)).json.value).toBe('Property 2')
  })

  it('lists related rows through a collection-valued navigation property', async () => {
    const account = await create('accounts', { name: 'Parent of two' })
    for (const lastname of ['One', 'Two']) {
      await create('contacts', {
        lastname,
        'parentcustomerid_account@odata.bind': `accounts(${account})`
      })
    }
    const res = await get(`accounts(${account})/contact_customer_accounts?$select=lastname`)
    expect(res.json.value.map((r: { lastname: string }) => r.lastname).sort()).toEqual([
      'One',
      'Two'
    ])
  })
})

describe('§8.5 / §3.1 update', () => {
  it('PATCH with If-Match: * updates an existing record (204)', async () => {
    const id = await create('accounts', { name: 'Before' })
    const res = await h.api('PATCH', `accounts(${id})`, {
      headers: { 'If-Match': '*' },
      body: { name: 'After' }
    })
    expect(res.status).toBe(204)
    expect((await get(`accounts(${id})/name`)).json.value).toBe('After')
  })

  it('PATCH with return=representation answers 200 with the record', async () => {
    const id = await create('accounts', { name: 'Rep update' })
    const res = await h.api('PATCH', `accounts(${id})?$select=name`, {
      headers: { Prefer: 'return=representation', 'If-Match': '*' },
      body: { name: 'Rep updated' }
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('preference-applied')).toBe('return=representation')
    expect(res.json).toMatchObject({ name: 'Rep updated', accountid: id })
    expect(res.json['@odata.context']).toMatch(/\$metadata#accounts\(name\)\/\$entity$/)
  })

  it('pairs statecode and statuscode: either one implies the other, a mismatch is refused', async () => {
    const id = await create('accounts', { name: 'Stateful' })
    const state = async () => (await get(`accounts(${id})?$select=statecode,statuscode`)).json
    await h.api('PATCH', `accounts(${id})`, { body: { statecode: 1 } })
    expect(await state()).toMatchObject({ statecode: 1, statuscode: 2 })
    await h.api('PATCH', `accounts(${id})`, { body: { statuscode: 1 } })
    expect(await state()).toMatchObject({ statecode: 0, statuscode: 1 })
    const bad = await h.api('PATCH', `accounts(${id})`, { body: { statecode: 0, statuscode: 2 } })
    expectError(bad, 400, '0x80040278')
    expect(await state()).toMatchObject({ statecode: 0, statuscode: 1 })
  })

  it('refuses PATCH or DELETE on a collection with 405 (§7.2)', async () => {
    expectError(await h.api('PATCH', 'accounts', { body: { name: 'x' } }), 405, '0x80060888')
    expectError(await h.api('DELETE', 'accounts'), 405, '0x80060888')
  })
})

describe('§8.5 delete', () => {
  it('DELETE answers 204, then the record is gone (404), and a second DELETE is 404', async () => {
    const id = await create('accounts', { name: 'Doomed' })
    const res = await h.api('DELETE', `accounts(${id})`)
    expect(res.status).toBe(204)
    expect(res.headers.get('odata-version')).toBe('4.0')
    expectError(await get(`accounts(${id})`), 404, '0x80040217')
    expectError(await h.api('DELETE', `accounts(${id})`), 404, '0x80040217')
  })

  it('clears lookups that pointed at a deleted record', async () => {
    const contact = await create('contacts', { lastname: 'Primary' })
    const account = await create('accounts', {
      name: 'Points at contact',
      'primarycontactid@odata.bind': `contacts(${contact})`
    })
    expect((await get(`accounts(${account})?$select=_primarycontactid_value`)).json).toMatchObject({
      _primarycontactid_value: contact
    })
    await h.api('DELETE', `contacts(${contact})`)
    expect((await get(`accounts(${account})?$select=_primarycontactid_value`)).json).toMatchObject({
      _primarycontactid_value: null
    })
  })
})

describe('lookups through @odata.bind (§2.1)', () => {
  it('binds by id, by relative URL with leading slash, by absolute URL and by alternate key', async () => {
    const contact = await create('contacts', { lastname: 'Bound', employeeid: 'E-BIND-1' })
    const forms = [
      `contacts(${contact})`,
      `/api/data/v9.2/contacts(${contact})`,
      `${h.sandbox.apiBase}contacts(${contact})`,
      "contacts(employeeid='E-BIND-1')"
    ]
    for (const bind of forms) {
      const id = await create('accounts', { name: bind, 'primarycontactid@odata.bind': bind })
      const row = (await get(`accounts(${id})?$select=_primarycontactid_value`)).json
      expect(row._primarycontactid_value, bind).toBe(contact)
    }
  })

  it('unbinds with null', async () => {
    const contact = await create('contacts', { lastname: 'Unbound' })
    const id = await create('accounts', {
      name: 'Unbind',
      'primarycontactid@odata.bind': `contacts(${contact})`
    })
    await h.api('PATCH', `accounts(${id})`, { body: { 'primarycontactid@odata.bind': null } })
    expect((await get(`accounts(${id})?$select=_primarycontactid_value`)).json).toMatchObject({
      _primarycontactid_value: null
    })
  })

  it('a missing parent by id is 0x80040217 and by alternate key 0x80060891', async () => {
    const missing = '11111111-2222-4333-8444-555555555555'
    expectError(
      await h.api('POST', 'accounts', {
        body: { name: 'Orphan', 'primarycontactid@odata.bind': `contacts(${missing})` }
      }),
      404,
      '0x80040217',
      `Entity 'contact' With Id = ${missing} Does Not Exist`
    )
    expectError(
      await h.api('POST', 'accounts', {
        body: { name: 'Orphan', 'primarycontactid@odata.bind': "contacts(employeeid='NOPE')" }
      }),
      404,
      '0x80060891',
      'A record with the specified key values does not exist in contact entity'
    )
  })

  it('refuses a reference to the wrong table and a direct write of the _x_value property', async () => {
    const account = await create('accounts', { name: 'Not a contact' })
    expectError(
      await h.api('POST', 'accounts', {
        body: { name: 'Wrong', 'primarycontactid@odata.bind': `accounts(${account})` }
      }),
      400,
      '0x80048d19'
    )
    expectError(
      await h.api('POST', 'accounts', {
        body: { name: 'Direct', _primarycontactid_value: account }
      }),
      400,
      '0x80048d19'
    )
  })
})
