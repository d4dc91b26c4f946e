import { DynamicsWebApi } from 'dynamics-web-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../../support/sandbox-harness'

// A third-party Dataverse client from the npm registry (dynamics-web-api), unmodified, against
// the sandbox: if it works here as it does against the real service, the sandbox's wire format
// is not something only our own client understands (ARCHITECTURE.md).

let harness: Harness
let api: DynamicsWebApi

beforeAll(async () => {
  harness = await startHarness({ products: 300, accounts: 30, contacts: 60 })
  api = new DynamicsWebApi({
    serverUrl: `${harness.sandbox.url}/`,
    dataApi: { version: '9.2' },
    onTokenRefresh: () => harness.sandbox.appToken(),
    propagateErrors: true
  })
})
afterAll(() => harness.close())

describe('dynamics-web-api against the sandbox', () => {
  it('retrieves a table page by page with maxPageSize and the next link (§8.2)', async () => {
    const seen = new Set<string>()
    let page = await api.retrieveMultiple({
      collection: 'products',
      select: ['name', 'productnumber'],
      maxPageSize: 70
    })
    let pages = 1
    for (const row of page.value) seen.add(row.productid)
    while (page.oDataNextLink) {
      page = await api.retrieveMultiple(
        { collection: 'products', select: ['name', 'productnumber'], maxPageSize: 70 },
        page.oDataNextLink
      )
      for (const row of page.value) seen.add(row.productid)
      pages += 1
    }
    expect(pages).toBe(5)
    expect(seen.size).toBe(300)
    const all = await api.retrieveAll({
      collection: 'products',
      select: ['productnumber'],
      filter: "startswith(productnumber,'PRD-00001')"
    })
    expect(all.value.map((r) => r.productnumber).sort()).toEqual(
      Array.from({ length: 100 }, (_, i) => `PRD-${String(100 + i).padStart(7, '0')}`)
    )
  })

  it('tracks changes: delta link, then updated rows and deleted entries (§1.2, §1.3)', async () => {
    const initial = await api.retrieveAll({
      collection: 'accounts',
      select: ['name', 'accountnumber'],
      trackChanges: true,
      maxPageSize: 10
    })
    expect(initial.value).toHaveLength(30)
    expect(initial.oDataDeltaLink).toMatch(/\$deltatoken=/)
    await api.update({
      collection: 'accounts',
      key: "accountnumber='ACC-00004'",
      data: { name: 'Renamed by DWA' }
    })
    await api.deleteRecord({ collection: 'accounts', key: "accountnumber='ACC-00005'" })
    const delta = await api.retrieveMultiple({ collection: 'accounts' }, initial.oDataDeltaLink)
    expect(delta.value).toHaveLength(2)
    expect(delta.value[0]).toMatchObject({ name: 'Renamed by DWA', accountnumber: 'ACC-00004' })
    expect(delta.value[1]['@odata.context']).toMatch(/\$deletedEntity$/)
    expect(delta.value[1]).toMatchObject({ reason: 'deleted' })
    expect(delta.oDataDeltaLink).toMatch(/\$deltatoken=/)
  })

  it('upserts by alternate key, creating then updating, quotes doubled (§3.1, §2.2)', async () => {
    type Product = { productid: string; name: string; productnumber: string }
    const created = await api.upsert<Partial<Product>, Product>({
      collection: 'products',
      key: "productnumber='O''Brien-1'",
      data: { name: 'Created by DWA' },
      returnRepresentation: true,
      select: ['name', 'productnumber']
    })
    expect(created).toMatchObject({ name: 'Created by DWA', productnumber: "O'Brien-1" })
    const updated = await api.upsert<Partial<Product>, Product>({
      collection: 'products',
      key: "productnumber='O''Brien-1'",
      data: { name: 'Updated by DWA' },
      returnRepresentation: true,
      select: ['name']
    })
    expect(updated).toMatchObject({ name: 'Updated by DWA', productid: created.productid })
    const read = await api.retrieve({
      collection: 'products',
      key: "productnumber='O''Brien-1'",
      select: ['name']
    })
    expect(read.name).toBe('Updated by DWA')
  })

  it('honours conditional upserts: If-None-Match: * and If-Match: * (§3.2)', async () => {
    await expect(
      api.upsert({
        collection: 'products',
        key: "productnumber='PRD-0000001'",
        data: { name: 'x' },
        ifnonematch: '*'
      })
    ).rejects.toMatchObject({
      status: 412,
      code: '0x80040237'
    })
    await expect(
      api.upsert({
        collection: 'products',
        key: "productnumber='NOPE-1'",
        data: { name: 'x' },
        ifmatch: '*'
      })
    ).rejects.toMatchObject({
      status: 404,
      code: '0x80060891'
    })
    const current = await api.retrieve({
      collection: 'products',
      key: "productnumber='PRD-0000002'",
      select: ['name']
    })
    await expect(
      api.update({
        collection: 'products',
        key: "productnumber='PRD-0000002'",
        data: { name: 'y' },
        ifmatch: 'W/"1"'
      })
    ).rejects.toMatchObject({
      status: 412,
      code: '0x80060882'
    })
    await api.update({
      collection: 'products',
      key: "productnumber='PRD-0000002'",
      data: { name: 'z' },
      ifmatch: current['@odata.etag']
    })
  })

  it('runs a $batch with a change set, a Content-ID reference and a GET (§5)', async () => {
    api.startBatch()
    void api.create({
      collection: 'accounts',
      data: { name: 'Batch parent', accountnumber: 'BATCH-1' },
      contentId: '1'
    })
    void api.create({
      collection: 'contacts',
      data: { lastname: 'Batch child', 'parentcustomerid_account@odata.bind': '$1' },
      contentId: '2'
    })
    void api.retrieveMultiple({
      collection: 'accounts',
      select: ['name'],
      filter: "accountnumber eq 'BATCH-1'"
    })
    const responses = await api.executeBatch()
    expect(responses).toHaveLength(3)
    const child = await api.retrieveAll({
      collection: 'contacts',
      select: ['lastname', '_parentcustomerid_value'],
      filter: "lastname eq 'Batch child'"
    })
    const parent = await api.retrieve({
      collection: 'accounts',
      key: "accountnumber='BATCH-1'",
      select: ['name']
    })
    expect(child.value[0]._parentcustomerid_value).toBe(parent.accountid)
    expect(responses[2].value[0].name).toBe('Batch parent')
  })

  it('reports a failing part with continue-on-error and keeps the others (§5.1)', async () => {
    api.startBatch()
    void api.create({ collection: 'accounts', data: { name: 'x'.repeat(161) }, inChangeSet: false })
    void api.create({
      collection: 'accounts',
      data: { name: 'After the failure', accountnumber: 'BATCH-2' },
      inChangeSet: false
    })
    const responses = await api.executeBatch({ continueOnError: true })
    expect(responses).toHaveLength(2)
    // dynamics-web-api keeps the service's error body under .error for batch parts.
    expect(responses[0]).toMatchObject({ status: 400, error: { code: '0x80044331' } })
    const after = await api.retrieve({
      collection: 'accounts',
      key: "accountnumber='BATCH-2'",
      select: ['name']
    })
    expect(after.name).toBe('After the failure')
  })
})
