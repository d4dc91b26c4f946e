import { describe, expect, it } from 'vitest'
import type { TableDef } from '../../../src-main/sandbox/schema/types'
import { withDemoTables } from '../../support/doc-tables'
import { entityIdOf, expectError, useSandbox } from '../../support/sandbox-harness'

/** ETags and optimistic concurrency (reference §3.3). */

/** A table with IsOptimisticConcurrencyEnabled false. */
const note: TableDef = {
  logicalName: 'new_note',
  entitySetName: 'new_notes',
  primaryIdAttribute: 'new_noteid',
  primaryNameAttribute: 'new_name',
  changeTracking: false,
  isOptimisticConcurrencyEnabled: false,
  columns: [
    { name: 'new_noteid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'new_name', type: 'String' }
  ]
}

const h = useSandbox({ schema: withDemoTables(note) })

const STALE = "The version of the existing record doesn't match the RowVersion property provided."

async function fresh(name: string): Promise<{ id: string; etag: string }> {
  const id = entityIdOf(await h.api('POST', 'accounts', { body: { name } }))
  const res = await h.api('GET', `accounts(${id})?$select=name`)
  return { id, etag: res.headers.get('etag')! }
}

describe('§3.3 ETags', () => {
  it('every row carries a weak @odata.etag; a single GET also sends the ETag header', async () => {
    const { id, etag } = await fresh('Etagged')
    expect(etag).toMatch(/^W\/"\d+"$/)
    const list = await h.api('GET', `accounts?$select=name&$filter=accountid eq ${id}`)
    expect(list.json.value[0]['@odata.etag']).toBe(etag)
  })

  it('changes with every update', async () => {
    const { id, etag } = await fresh('Changing')
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'Changed' } })
    const after = await h.api('GET', `accounts(${id})?$select=name`)
    expect(after.headers.get('etag')).not.toBe(etag)
  })
})

describe('§3.3 conditional GET', () => {
  it('If-None-Match with the current ETag answers 304 Not Modified without a body', async () => {
    const { id, etag } = await fresh('Unchanged')
    const res = await h.api(
      'GET',
      `accounts(${id})?$select=accountcategorycode,accountnumber,creditonhold,createdon,numberofemployees,name,revenue`,
      { headers: { 'If-None-Match': etag } }
    )
    expect(res.status).toBe(304)
    expect(res.text).toBe('')
    expect(res.headers.get('odata-version')).toBe('4.0')
  })

  it('answers 200 with the record once it changed', async () => {
    const { id, etag } = await fresh('Will change')
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'Did change' } })
    const res = await h.api('GET', `accounts(${id})?$select=name`, {
      headers: { 'If-None-Match': etag }
    })
    expect(res.status).toBe(200)
    expect(res.json.name).toBe('Did change')
  })

  it('never answers 304 when annotations are requested', async () => {
    const { id, etag } = await fresh('Annotated')
    const res = await h.api('GET', `accounts(${id})?$select=name`, {
      headers: {
        'If-None-Match': etag,
        Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"'
      }
    })
    expect(res.status).toBe(200)
  })
})

describe('§3.3 optimistic concurrency on writes', () => {
  it('PATCH with a stale If-Match is 412 0x80060882 and changes nothing', async () => {
    const { id, etag } = await fresh('Concurrent')
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'Someone else' } })
    const res = await h.api('PATCH', `accounts(${id})`, {
      headers: { 'If-Match': etag },
      body: { name: 'Updated Account Name' }
    })
    expectError(res, 412, '0x80060882', STALE)
    expect((await h.api('GET', `accounts(${id})/name`)).json.value).toBe('Someone else')
  })

  it('PATCH with the current If-Match succeeds', async () => {
    const { id, etag } = await fresh('Current')
    const res = await h.api('PATCH', `accounts(${id})`, {
      headers: { 'If-Match': etag },
      body: { name: 'Current 2' }
    })
    expect(res.status).toBe(204)
    expect((await h.api('GET', `accounts(${id})/name`)).json.value).toBe('Current 2')
  })

  it('DELETE with a stale If-Match is 412 0x80060882; with the current one 204', async () => {
    const { id, etag } = await fresh('Delete carefully')
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'Moved on' } })
    expectError(
      await h.api('DELETE', `accounts(${id})`, { headers: { 'If-Match': etag } }),
      412,
      '0x80060882',
      STALE
    )
    const current = (await h.api('GET', `accounts(${id})?$select=name`)).headers.get('etag')!
    const res = await h.api('DELETE', `accounts(${id})`, { headers: { 'If-Match': current } })
    expect(res.status).toBe(204)
  })

  it('If-Match with an ETag on a missing record is 404', async () => {
    const id = 'a1b2c3d4-0000-4000-8000-000000000001'
    const res = await h.api('PATCH', `accounts(${id})`, {
      headers: { 'If-Match': 'W/"1"' },
      body: { name: 'x' }
    })
    expectError(res, 404, '0x80040217')
  })
})

describe('§3.3 a table without optimistic concurrency', () => {
  it('never answers 304, refuses an ETag precondition (0x8006088D) but takes If-Match: *', async () => {
    const id = entityIdOf(await h.api('POST', 'new_notes', { body: { new_name: 'Note' } }))
    const etag = (await h.api('GET', `new_notes(${id})`)).headers.get('etag')!
    const res = await h.api('GET', `new_notes(${id})`, { headers: { 'If-None-Match': etag } })
    expect(res.status).toBe(200)
    expectError(
      await h.api('PATCH', `new_notes(${id})`, {
        headers: { 'If-Match': etag },
        body: { new_name: 'x' }
      }),
      400,
      '0x8006088D',
      /^Optimistic concurrency isn't enabled for entity type new_note\./
    )
    const star = await h.api('PATCH', `new_notes(${id})`, {
      headers: { 'If-Match': '*' },
      body: { new_name: 'Updated' }
    })
    expect(star.status).toBe(204)
  })
})
