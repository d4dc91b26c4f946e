import { describe, expect, it } from 'vitest'
import { demoTablesWith, exampleRecord } from '../../support/doc-tables'
import { entityIdOf, expectError, useSandbox } from '../../support/sandbox-harness'

/**
 * Addressing records by alternate key (reference §2): single, compound and lookup keys, quoting,
 * URL encoding, the characters the docs say break key lookups, and keys that are not Active.
 */
const h = useSandbox({
  // The docs' lookup-key example, accounts(_primarycontactid_value=…), needs such a key.
  schema: demoTablesWith(
    'account',
    (account) => {
      account.keys!.push({ schemaName: 'PrimaryContactKey', columns: ['primarycontactid'] })
    },
    exampleRecord
  ),
  keyActivationDelayMs: 60_000
})

const KEY_MESSAGE =
  "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.account'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.account'."

async function account(body: Record<string, unknown>): Promise<string> {
  const res = await h.api('POST', 'accounts', { body })
  expect(res.status, res.text).toBe(204)
  return entityIdOf(res)
}

describe('§2.1 key syntax', () => {
  it('GET by a single alternate key', async () => {
    const id = await account({ name: 'Keyed', accountnumber: 'ABC123' })
    const res = await h.api('GET', "accounts(accountnumber='ABC123')?$select=name")
    expect(res.status).toBe(200)
    expect(res.json).toMatchObject({ name: 'Keyed', accountid: id })
    expect(res.json['@odata.context']).toMatch(/\$metadata#accounts\(name\)\/\$entity$/)
  })

  it('GET by a compound key, in either order', async () => {
    const res = await h.api('POST', 'contacts', {
      body: { firstname: 'Joe', lastname: 'Compound', emailaddress1: 'abc@example.com' }
    })
    const id = entityIdOf(res)
    for (const path of [
      "contacts(firstname='Joe',emailaddress1='abc@example.com')",
      "contacts(emailaddress1='abc@example.com',firstname='Joe')"
    ]) {
      expect((await h.api('GET', `${path}?$select=lastname`)).json.contactid, path).toBe(id)
    }
  })

  it('GET by a lookup key: accounts(_primarycontactid_value=<guid>)', async () => {
    const contact = entityIdOf(await h.api('POST', 'contacts', { body: { lastname: 'Key' } }))
    const id = await account({
      name: 'By lookup key',
      'primarycontactid@odata.bind': `contacts(${contact})`
    })
    const res = await h.api('GET', `accounts(_primarycontactid_value=${contact})?$select=name`)
    expect(res.json).toMatchObject({ name: 'By lookup key', accountid: id })
  })

  it('GET by an integer compound key: example_records(example_key1=2,example_key2=5)', async () => {
    await h.api('POST', 'example_records', {
      body: { example_name: '2:5', example_key1: 2, example_key2: 5 }
    })
    const res = await h.api('GET', 'example_records(example_key1=2,example_key2=5)')
    expect(res.json).toMatchObject({ example_name: '2:5', example_key1: 2, example_key2: 5 })
    // A quoted number is a string literal, which an integer key column does not take.
    expectError(
      await h.api('GET', "example_records(example_key1='2',example_key2=5)"),
      400,
      '0x80060888'
    )
  })

  it('key values match case-insensitively, like the service collation', async () => {
    await account({ name: 'Case', accountnumber: 'CaseKey-1' })
    const res = await h.api('GET', "accounts(accountnumber='casekey-1')?$select=name")
    expect(res.json.name).toBe('Case')
  })
})

describe('§2.2 quoting and encoding', () => {
  it("doubles a single quote: accounts(accountnumber='O''Brien')", async () => {
    const id = await account({ name: 'Quoted', accountnumber: "O'Brien" })
    const res = await h.api('GET', "accounts(accountnumber='O''Brien')?$select=accountnumber")
    expect(res.json).toMatchObject({ accountnumber: "O'Brien", accountid: id })
  })

  it('an undoubled quote gives the documented unterminated-literal error', async () => {
    const res = await h.api('GET', "accounts(accountnumber='O'Brien')")
    expectError(
      res,
      400,
      '0x80060888',
      /^There is an unterminated literal at position \d+ in '\(accountnumber='O'Brien'\)'\.$/
    )
  })

  it('decodes URL-encoded spaces and unicode in key values', async () => {
    const id = await account({ name: 'Encoded', accountnumber: 'München Nord #1' })
    const res = await h.api(
      'GET',
      `accounts(accountnumber='${encodeURIComponent('München Nord #1')}')?$select=name`
    )
    expect(res.json).toMatchObject({ name: 'Encoded', accountid: id })
  })

  it.each(['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+'])(
    'refuses a key value containing %s with 400, for GET, PATCH and DELETE',
    async (ch) => {
      const value = `A${ch}1`
      // Creating the row works: only addressing it by key is broken (§2.2).
      await account({ name: `Forbidden ${ch}`, accountnumber: value })
      const path = `accounts(accountnumber='${encodeURIComponent(value)}')`
      expectError(await h.api('GET', path), 400, '0x80060888')
      expectError(await h.api('PATCH', path, { body: { name: 'x' } }), 400, '0x80060888')
      expectError(await h.api('DELETE', path), 400, '0x80060888')
    }
  )
})

describe('§2.6 key errors', () => {
  it('a column that is no key gives the documented message', async () => {
    expectError(await h.api('GET', "accounts(name='Keyed')"), 400, '0x80060888', KEY_MESSAGE)
    // Half of a compound key is not a key either.
    expectError(
      await h.api('GET', "contacts(firstname='Joe')"),
      400,
      '0x80060888',
      KEY_MESSAGE.replaceAll('account', 'contact')
    )
  })

  it('no matching record is 404 0x80060891', async () => {
    expectError(
      await h.api('GET', "accounts(accountnumber='NO-SUCH')"),
      404,
      '0x80060891',
      'A record with the specified key values does not exist in account entity'
    )
    expectError(await h.api('DELETE', "accounts(accountnumber='NO-SUCH')"), 404, '0x80060891')
  })

  it('a duplicate key value on create or update is 412 0x80060892', async () => {
    await account({ name: 'Original', accountnumber: 'DUP-1' })
    const message =
      'Entity Key accountnumberkey violated. A record with the same value for accountnumber already exists. A duplicate record cannot be created. Select one or more unique values and try again.'
    expectError(
      await h.api('POST', 'accounts', { body: { name: 'Copy', accountnumber: 'DUP-1' } }),
      412,
      '0x80060892',
      message
    )
    const other = await account({ name: 'Other', accountnumber: 'DUP-2' })
    expectError(
      await h.api('PATCH', `accounts(${other})`, { body: { accountnumber: 'dup-1' } }),
      412,
      '0x80060892'
    )
  })

  it('a key that is not Active yet cannot address records; it works once its job ran', async () => {
    await account({ name: 'Pending key', telephone1: '555 0100' })
    const created = await h.api('POST', "EntityDefinitions(LogicalName='account')/Keys", {
      body: { SchemaName: 'PhoneKey', KeyAttributes: ['telephone1'] }
    })
    expect(created.status).toBe(204)
    const byPhone = "accounts(telephone1='555 0100')?$select=name"
    expectError(await h.api('GET', byPhone), 400, '0x80060890', /is Pending/)
    h.sandbox.controls.advanceClock(60_000)
    expect((await h.api('GET', byPhone)).json.name).toBe('Pending key')
  })
})
