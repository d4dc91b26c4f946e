import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ChangePage } from '../../../src-main/dataverse/change-tracking'
import type { DataverseClient } from '../../../src-main/dataverse/client'
import {
  ChangeTrackingExpiredError,
  DataverseError,
  InvalidDeltaTokenError
} from '../../../src-main/dataverse/errors'
import type { HttpRequest } from '../../../src-main/dataverse/transport'
import { probeClient, rejection } from '../../support/client-probe'
import { project, withDemoTables } from '../../support/doc-tables'
import { GUID, startHarness, useSandbox, type Harness } from '../../support/sandbox-harness'
import { startTamperProxy } from '../../support/tamper-proxy'

/**
 * Queries and change tracking through the client (src-main/dataverse/query.ts,
 * change-tracking.ts) against the sandbox over HTTP: pages streamed one at a time, the initial
 * sync and deltas (reference §1.2, §1.3, §8.2), and the two ways a stored token stops working.
 */

const harness = useSandbox({ accounts: 5, contacts: 5, products: 30 })

/** Records what the client asked to send, at the moment it asked (not when it was answered). */
function recordSends(client: DataverseClient): HttpRequest[] {
  const sent: HttpRequest[] = []
  const send = client.transport.send.bind(client.transport)
  client.transport.send = (request) => {
    sent.push(request)
    return send(request)
  }
  return sent
}

const productNumber = (i: number): string => `PRD-${String(i).padStart(7, '0')}`

async function collect(pages: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const out: ChangePage[] = []
  for await (const page of pages) out.push(page)
  return out
}

beforeEach(() => harness.sandbox.controls.stats.reset())

describe('queries: pages as an async iterable (reference §8.2)', () => {
  it('asks for the next page only when the caller wants it, at the page size it asked for', async () => {
    const { client } = probeClient(harness)
    const sent = recordSends(client)
    const sizes: number[] = []
    const askedBeforeNext: number[] = []
    const ids = new Set<string>()
    for await (const page of client.query('products?$select=name,productnumber', {
      maxPageSize: 7
    })) {
      sizes.push(page.rows.length)
      askedBeforeNext.push(sent.length)
      expect(page.headers.get('preference-applied')).toBe('odata.maxpagesize=7')
      for (const row of page.rows) ids.add(String(row['productid']))
    }
    expect(sizes).toEqual([7, 7, 7, 7, 2])
    // While the caller holds page k, only k requests were made: no page is read ahead.
    expect(askedBeforeNext).toEqual([1, 2, 3, 4, 5])
    expect(ids.size).toBe(30)
    // The next link is followed exactly as the service sent it.
    expect(sent[1]!.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/products\?.*\$skiptoken=/
    )
    expect(sent.every((r) => r.headers?.['Prefer'] === 'odata.maxpagesize=7')).toBe(true)
  })

  it('with prefetch, reads exactly one page ahead; a caller that stops early leaves the rest unread', async () => {
    const { client } = probeClient(harness)
    const sent = recordSends(client)
    const asked: number[] = []
    for await (const page of client.query('products?$select=name', {
      maxPageSize: 5,
      prefetch: true
    })) {
      asked.push(sent.length)
      expect(page.rows).toHaveLength(5)
      if (asked.length === 3) break
    }
    expect(asked).toEqual([2, 3, 4])
    expect(sent).toHaveLength(4) // 30 rows are 6 pages: pages 5 and 6 were never asked for

    const lazy = probeClient(harness).client
    const lazySent = recordSends(lazy)
    for await (const page of lazy.query('products?$select=name', { maxPageSize: 5 })) {
      expect(page.rows).toHaveLength(5)
      break
    }
    expect(lazySent).toHaveLength(1)
  })

  it('never asks for more than 5,000 rows a page', async () => {
    const { client } = probeClient(harness)
    const sent = recordSends(client)
    const first = await client.query('accounts?$select=name', { maxPageSize: 20_000 }).next()
    expect(first.value?.rows).toHaveLength(5)
    expect(sent[0]!.headers?.['Prefer']).toBe('odata.maxpagesize=5000')
  })
})

describe('change tracking: initial sync, then deltas (reference §1.2, §1.3, §1.5)', () => {
  it('reads every row with a delta link on the last page only, then only what changed', async () => {
    const { client } = probeClient(harness)
    const initial = await collect(
      client.changes({
        entitySet: 'products',
        primaryId: 'productid',
        select: ['name', 'productnumber', 'price'],
        maxPageSize: 12
      })
    )
    expect(initial.map((p) => p.changes.length)).toEqual([12, 12, 6])
    expect(initial.map((p) => p.deltaLink !== undefined)).toEqual([false, false, true])
    const rows = initial.flatMap((p) => p.changes)
    expect(rows.every((c) => c.kind === 'upsert')).toBe(true)
    const sample = rows[0]!
    expect(sample.id).toMatch(GUID)
    if (sample.kind !== 'upsert') throw new Error('unreachable')
    expect(sample.etag).toMatch(/^W\/"\d+"$/)
    // The row as sent: the selected columns, the primary id and its annotations (the puller
    // keeps only the columns; test/integration/sync/pull.test.ts compares the mirror).
    expect(Object.keys(sample.values).sort()).toEqual([
      '@odata.etag',
      'name',
      'price',
      'productid',
      'productnumber'
    ])
    const idOf = new Map(
      rows.map((c) => [c.kind === 'upsert' ? String(c.values['productnumber']) : '', c.id])
    )

    const api = (method: string, path: string, body?: object) =>
      harness.api(method, path, body ? { body } : {})
    await api('PATCH', `products(productnumber='${productNumber(3)}')`, { price: 3.33 })
    await api('PATCH', `products(productnumber='${productNumber(4)}')`, { name: 'Renamed' })
    await api('PATCH', `products(productnumber='NEW-DELTA-1')`, { name: 'New', price: 1 })
    await api('DELETE', `products(productnumber='${productNumber(5)}')`)

    const delta = await collect(
      client.changes({
        entitySet: 'products',
        primaryId: 'productid',
        select: ['name', 'productnumber', 'price'],
        deltaLink: initial.at(-1)!.deltaLink!
      })
    )
    expect(delta).toHaveLength(1)
    const changes = delta[0]!.changes
    // Changed rows first (created and updated look alike), then the deletion (§1.3).
    expect(changes.map((c) => c.kind)).toEqual(['upsert', 'upsert', 'upsert', 'deleted'])
    expect(changes[3]).toEqual({ kind: 'deleted', id: idOf.get(productNumber(5)) })
    const updated = changes.find((c) => c.id === idOf.get(productNumber(3)))
    expect(updated).toMatchObject({ kind: 'upsert', values: { price: 3.33 } })
    expect(delta[0]!.deltaLink).toMatch(/\$deltatoken=/)
    expect(delta[0]!.deltaLink).not.toBe(initial.at(-1)!.deltaLink)

    const quiet = await collect(
      client.changes({
        entitySet: 'products',
        primaryId: 'productid',
        select: ['name'],
        deltaLink: delta[0]!.deltaLink!
      })
    )
    expect(quiet).toEqual([{ changes: [], deltaLink: expect.stringMatching(/\$deltatoken=/) }])
  })

  it('also recognises deletions in the OData 4.01 @removed form (parse liberally)', async () => {
    const proxy = await startTamperProxy(harness.sandbox.url)
    try {
      const client = probeClient(harness, { environmentUrl: proxy.url }).client
      const first = await collect(
        client.changes({ entitySet: 'accounts', primaryId: 'accountid', select: ['name'] })
      )
      const victim = first[0]!.changes[0]!.id
      await harness.api('DELETE', `accounts(${victim})`)
      proxy.tamper = (exchange) => ({
        ...exchange,
        body: exchange.body.replace(
          /\{"@odata\.context":"[^"]*\$deletedEntity","id":"([^"]+)","reason":"deleted"\}/,
          '{"@removed":{"reason":"deleted"},"@id":"accounts($1)"}'
        )
      })
      const delta = await collect(
        client.changes({
          entitySet: 'accounts',
          primaryId: 'accountid',
          select: ['name'],
          deltaLink: first.at(-1)!.deltaLink!
        })
      )
      expect(delta[0]!.changes).toContainEqual({ kind: 'deleted', id: victim })
    } finally {
      await proxy.close()
    }
  })

  it('calls a garbled delta token an InvalidDeltaTokenError, so the engine can resync', async () => {
    const { client } = probeClient(harness)
    const first = await collect(
      client.changes({ entitySet: 'contacts', primaryId: 'contactid', select: ['fullname'] })
    )
    const garbled = first
      .at(-1)!
      .deltaLink!.replace(/\$deltatoken=[^&]*/, '$deltatoken=not-a-token')
    const error = await rejection(
      collect(
        client.changes({
          entitySet: 'contacts',
          primaryId: 'contactid',
          select: ['fullname'],
          deltaLink: garbled
        })
      )
    )
    expect(error).toBeInstanceOf(InvalidDeltaTokenError)
    expect(error.message).toMatch(
      /^The stored delta link for contacts was refused: The delta token/
    )
  })
})

describe('change tracking: what the table and the retention allow (reference §1.1, §1.7)', () => {
  let own: Harness
  beforeAll(async () => {
    own = await startHarness({ schema: withDemoTables(project), retentionDays: 1 })
  })
  afterAll(() => own.close())

  it('an expired token is a ChangeTrackingExpiredError carrying 0x80044352', async () => {
    const { client } = probeClient(own)
    await own.api('PATCH', `accounts(accountnumber='EXP-1')`, { body: { name: 'Expiring' } })
    const first = await collect(
      client.changes({ entitySet: 'accounts', primaryId: 'accountid', select: ['name'] })
    )
    own.sandbox.controls.advanceClock(2 * 86_400_000)
    const error = await rejection(
      collect(
        client.changes({
          entitySet: 'accounts',
          primaryId: 'accountid',
          select: ['name'],
          deltaLink: first.at(-1)!.deltaLink!
        })
      )
    )
    expect(error).toBeInstanceOf(ChangeTrackingExpiredError)
    expect(error).toBeInstanceOf(DataverseError)
    expect(error).toMatchObject({
      code: '0x80044352',
      serviceMessage:
        'Version stamp associated with the client has expired. Please perform a full sync.'
    })
  })

  it('a table without change tracking is refused with Dataverse’s code', async () => {
    const { client } = probeClient(own)
    const error = await rejection(
      collect(
        client.changes({
          entitySet: 'new_projects',
          primaryId: 'new_projectid',
          select: ['new_name']
        })
      )
    )
    expect(error).toBeInstanceOf(DataverseError)
    expect(error).not.toBeInstanceOf(InvalidDeltaTokenError)
    expect(error).toMatchObject({ status: 400, code: '0x80044350' })
  })
})
