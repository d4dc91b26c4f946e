import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DataverseClient } from '../../../src-main/dataverse/client'
import type { TableDef } from '../../../src-main/sandbox/schema/types'
import type { ColumnType } from '../../../src-shared/model/metadata'
import {
  FORBIDDEN_KEY_CHARACTERS,
  keyPredicate,
  recordPath
} from '../../../src-shared/odata/key-literal'
import { probeClient } from '../../support/client-probe'
import { exampleRecord, withDemoTables } from '../../support/doc-tables'
import { entityIdOf, startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * Key predicates built by src-shared/odata/key-literal.ts, sent by the client and understood by
 * the sandbox's own parser (reference §2.1, §2.2): an upsert by key followed by a read by the same
 * key must find the record, for values with quotes, spaces, non-ASCII text and URL delimiters.
 */

/** A table whose key includes a lookup, addressed as _new_accountid_value (§2.1). */
const membership: TableDef = {
  logicalName: 'new_membership',
  entitySetName: 'new_memberships',
  primaryIdAttribute: 'new_membershipid',
  primaryNameAttribute: 'new_name',
  isCustomEntity: true,
  changeTracking: true,
  columns: [
    { name: 'new_membershipid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'new_name', type: 'String' },
    {
      name: 'new_accountid',
      type: 'Lookup',
      targets: [
        {
          table: 'account',
          navigationProperty: 'new_accountid',
          relationship: 'new_account_membership'
        }
      ]
    },
    { name: 'new_year', type: 'Integer' }
  ],
  keys: [{ schemaName: 'new_AccountYearKey', columns: ['new_accountid', 'new_year'] }]
}

let harness: Harness
let client: DataverseClient
beforeAll(async () => {
  harness = await startHarness({ schema: withDemoTables(exampleRecord, membership) })
  client = probeClient(harness).client
})
afterAll(() => harness.close())

const col = (logicalName: string, type: ColumnType) => ({ logicalName, type })
const productNumber = [col('productnumber', 'String')]

/** Upserts by the predicate through the client, then reads the record back by it. */
async function roundTrip(
  entitySet: string,
  predicate: string,
  body: Record<string, unknown>,
  select: string
): Promise<Record<string, unknown>> {
  const path = recordPath(entitySet, predicate)
  const written = await client.transport.send({
    method: 'PATCH',
    url: path,
    body: JSON.stringify(body)
  })
  expect(written.status, path).toBe(204)
  const read = await harness.api('GET', `${path}?$select=${select}`)
  expect(read.status, `${path}: ${read.text}`).toBe(200)
  return read.json
}

describe('key predicates the service accepts (reference §2.1, §2.2)', () => {
  it.each([
    ["O'Brien"],
    ["''quoted''"],
    ['with  two spaces'],
    ['Zoë Ångström 日本語 😀'],
    ['#1,a=b;c@d$e'],
    ['(paren) [bracket] {brace}'],
    ['"double" `tick` ~!^|']
  ])('finds by key what it upserted by key: %s', async (value) => {
    const row = await roundTrip(
      'products',
      keyPredicate(productNumber, [value]),
      { name: 'Tricky key' },
      'productnumber'
    )
    expect(row['productnumber']).toBe(value)
  })

  it('compound keys of text, of whole numbers, and with a lookup as _x_value', async () => {
    const email = "o'brien.test@example.com"
    const contact = await roundTrip(
      'contacts',
      keyPredicate(
        [col('firstname', 'String'), col('emailaddress1', 'String')],
        ["Seán O'Brien", email]
      ),
      { lastname: "O'Brien" },
      'firstname,emailaddress1'
    )
    expect(contact).toMatchObject({ firstname: "Seán O'Brien", emailaddress1: email })

    const example = await roundTrip(
      'example_records',
      keyPredicate([col('example_key1', 'Integer'), col('example_key2', 'Integer')], [2, '-3']),
      { example_name: 'Compound' },
      'example_key1,example_key2'
    )
    expect(example).toMatchObject({ example_key1: 2, example_key2: -3 })

    const account = await harness.api('POST', 'accounts', { body: { name: 'Member club' } })
    const accountId = entityIdOf(account).toUpperCase()
    const member = await roundTrip(
      'new_memberships',
      keyPredicate([col('new_accountid', 'Lookup'), col('new_year', 'Integer')], [accountId, 2025]),
      { new_name: 'Member' },
      'new_name,_new_accountid_value,new_year'
    )
    expect(member).toMatchObject({
      new_name: 'Member',
      _new_accountid_value: accountId.toLowerCase(),
      new_year: 2025
    })
  })

  it('any printable text without the forbidden characters round-trips (property)', async () => {
    let n = 0
    const printable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 24 })
      .filter(
        (v) =>
          v.trim() !== '' &&
          !/\p{Cc}/u.test(v) &&
          !FORBIDDEN_KEY_CHARACTERS.some((ch) => v.includes(ch))
      )
    await fc.assert(
      fc.asyncProperty(printable, async (v) => {
        // A unique prefix: keys compare case- and accent-insensitively, so two generated values
        // could otherwise name the same record.
        const value = `P${(n += 1)}-${v}`
        const row = await roundTrip(
          'products',
          keyPredicate(productNumber, [value]),
          { name: 'Generated key' },
          'productnumber'
        )
        expect(row['productnumber']).toBe(value)
      }),
      { numRuns: 80 }
    )
  })
})
