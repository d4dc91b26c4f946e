import { describe, expect, it } from 'vitest'
import { DataverseClient } from '../../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../../src-main/dataverse/token-source'
import { expectError, useSandbox } from '../../support/sandbox-harness'

// What a planned create meets when its record exists by the time it is written (issue 19 item 4),
// as Dataverse documents it and the apply relies on:
// - "Prevent update in upsert": PATCH with `If-None-Match: *` creates a missing record (204) and
//   answers 412 "A record with matching key values already exists." for an existing one,
//   leaving it unchanged (learn.microsoft.com/power-apps/developer/data-platform/
//   use-upsert-insert-update-record, webapi/perform-conditional-operations-using-web-api;
//   reference §3.1–3.2; code 0x80040237 per §10 #9). By alternate key as by id, and per part
//   in a $batch with continue-on-error (§5).
// - CreateMultiple is all-or-nothing on standard tables (bulk-operations.md, reference §4.1,
//   §10 #11): a target whose alternate key is taken fails the request with
//   DuplicateRecordEntityKey (0x80060892, 412 per public code, §2.6 / §10 #8), a taken primary
//   key with DuplicateRecord (0x80040237, §7.4), and no target of the request is created.

const h = useSandbox({ products: 5, accounts: 2, contacts: 2 })
const TYPE = 'Microsoft.Dynamics.CRM.product'
const count = async (prefix: string): Promise<number> =>
  Number((await h.api('GET', `products/$count?$filter=startswith(productnumber,'${prefix}')`)).text)

describe('a create that must stay a create', () => {
  it('PATCH by alternate key with If-None-Match: * creates when missing, 412 when the record exists', async () => {
    const path = "products(productnumber='CONF-1')"
    const request = { headers: { 'If-None-Match': '*' }, body: { name: 'first', price: 1 } }
    expect((await h.api('PATCH', path, request)).status).toBe(204)
    const again = await h.api('PATCH', path, { ...request, body: { name: 'second', price: 2 } })
    expectError(again, 412, '0x80040237', 'A record with matching key values already exists.')
    const row = await h.api('GET', `${path}?$select=name,price`)
    expect(row.json).toMatchObject({ name: 'first', price: 1 })
  })

  it('in a $batch with continue-on-error each conditional create is answered on its own', async () => {
    await h.api('PATCH', "products(productnumber='CONF-B1')", { body: { name: 'taken' } })
    const client = new DataverseClient({
      environmentUrl: h.sandbox.url,
      tokens: tokenSourceFrom(() => h.sandbox.appToken())
    })
    const op = (key: string, name: string) => ({
      method: 'PATCH' as const,
      path: `products(productnumber='${key}')`,
      headers: { 'If-None-Match': '*' },
      body: { name }
    })
    const outcomes = await client.writes.batch([
      op('CONF-B1', 'overwritten?'),
      op('CONF-B2', 'new')
    ])
    expect(outcomes[0]).toMatchObject({ ok: false, status: 412, code: '0x80040237' })
    expect(outcomes[1]).toMatchObject({ ok: true, status: 204 })
    const kept = await h.api('GET', "products(productnumber='CONF-B1')?$select=name")
    expect(kept.json.name).toBe('taken')
  })

  it('CreateMultiple with a taken alternate key fails as a whole with DuplicateRecordEntityKey', async () => {
    await h.api('PATCH', "products(productnumber='CONF-M2')", { body: { name: 'taken' } })
    const res = await h.api('POST', 'products/Microsoft.Dynamics.CRM.CreateMultiple', {
      body: {
        Targets: ['CONF-M1', 'CONF-M2', 'CONF-M3'].map((key) => ({
          productnumber: key,
          name: `bulk ${key}`,
          '@odata.type': TYPE
        }))
      }
    })
    expectError(
      res,
      412,
      '0x80060892',
      /A record with the same value for productnumber already exists/
    )
    expect(await count('CONF-M')).toBe(1)
    const kept = await h.api('GET', "products(productnumber='CONF-M2')?$select=name")
    expect(kept.json.name).toBe('taken')
  })

  it('CreateMultiple with a taken primary key fails as a whole with DuplicateRecord', async () => {
    const id = (await h.api('GET', 'products?$select=productid&$top=1')).json.value[0].productid
    const res = await h.api('POST', 'products/Microsoft.Dynamics.CRM.CreateMultiple', {
      body: {
        Targets: [
          { productnumber: 'CONF-P1', name: 'new', '@odata.type': TYPE },
          { productid: id, productnumber: 'CONF-P2', name: 'same id', '@odata.type': TYPE }
        ]
      }
    })
    expectError(res, 412, '0x80040237', 'Operation failed due to a SQL integrity violation.')
    expect(await count('CONF-P')).toBe(0)
  })
})
