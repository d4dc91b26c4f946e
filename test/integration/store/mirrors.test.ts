import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../../src-main/store/open'
import type { MirrorRecord, MirrorSpec } from '../../../src-main/store/repositories/mirrors'

/**
 * Mirrors (src-main/store/repositories/mirrors.ts, mirror-rows.ts) in a real SQLite file: one
 * rows table per mirror, key columns generated from the row JSON and indexed so matching a
 * record by alternate key is an index seek, case-insensitive as Dataverse compares keys.
 */

let dir: string
let store: Store
let environmentId: number
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvsync-mirror-'))
  store = openStore(dir)
  environmentId = store.environments.add({
    name: 'sandbox',
    url: 'http://127.0.0.1:1',
    authKind: 'sandbox'
  }).id
})
afterEach(() => {
  store.close()
  rmSync(dir, { recursive: true, force: true })
})

const products = (): MirrorSpec => ({
  environmentId,
  tableName: 'product',
  entitySet: 'products',
  primaryId: 'productid',
  columns: ['name', 'productnumber', 'price'],
  keys: [['productnumber']]
})

const id = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`

function fill(mirror: MirrorRecord, rows: Record<string, unknown>[]): void {
  const table = store.mirrors.rows(mirror)
  store.db.transaction(() => {
    rows.forEach((row, i) => table.put(id(i + 1), `W/"${i + 1}"`, JSON.stringify(row)))
  })()
}

const sqlTables = (db: Database.Database): string[] =>
  (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'mirror_[0-9]*'")
      .all() as {
      name: string
    }[]
  ).map((r) => r.name)

/** The SQL texts `run` prepares, to ask SQLite how it would run them. */
function preparedBy(run: () => void): string[] {
  const seen: string[] = []
  const prepare = store.db.prepare.bind(store.db)
  store.db.prepare = ((sql: string) => {
    seen.push(sql)
    return prepare(sql)
  }) as typeof store.db.prepare
  try {
    run()
  } finally {
    Reflect.deleteProperty(store.db, 'prepare')
  }
  return seen
}

const plan = (sql: string, ...params: unknown[]): string =>
  (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((r) => r.detail)
    .join('; ')

describe('mirrors', () => {
  it('keeps each table’s rows in its own SQL table, named by id, never by user text', () => {
    const product = store.mirrors.ensure(products())
    const account = store.mirrors.ensure({
      environmentId,
      tableName: 'account',
      entitySet: 'accounts',
      primaryId: 'accountid',
      columns: ['name', 'accountnumber'],
      keys: [['accountnumber']]
    })
    expect(sqlTables(store.db).sort()).toEqual(
      [`mirror_${account.id}`, `mirror_${product.id}`].sort()
    )
    fill(product, [{ productnumber: 'PRD-1', name: 'Widget' }])
    expect(store.mirrors.rows(product).count()).toBe(1)
    expect(store.mirrors.rows(account).count()).toBe(0)
    expect(store.mirrors.find(environmentId, 'product')).toMatchObject({
      entitySet: 'products',
      columns: ['name', 'productnumber', 'price'],
      keys: [['productnumber']],
      deltaLink: null
    })
    // Column names become SQL identifiers: anything not shaped like a Dataverse name is refused.
    expect(() =>
      store.mirrors.ensure({
        ...products(),
        tableName: 'evil',
        columns: ['name"; DROP TABLE runs; --']
      })
    ).toThrow(`'name"; DROP TABLE runs; --' is not a Dataverse column name.`)
  })

  it('finds a record by key whatever the case, through the index on the generated key column', () => {
    const mirror = store.mirrors.ensure(products())
    fill(
      mirror,
      Array.from({ length: 500 }, (_, i) => ({
        productnumber: `PRD-${String(i + 1).padStart(4, '0')}`,
        name: `Product ${i + 1}`
      }))
    )
    const rows = store.mirrors.rows(mirror)
    let found: ReturnType<typeof rows.findByKey>
    const statements = preparedBy(() => {
      found = rows.findByKey(['productnumber'], ['prd-0042'])
    })
    expect(found!).toMatchObject({ id: id(42), etag: 'W/"42"' })
    expect(JSON.parse(found!.data)).toMatchObject({ productnumber: 'PRD-0042' })
    expect(rows.findByKey(['productnumber'], ['PRD-9999'])).toBeUndefined()

    expect(statements).toHaveLength(1)
    expect(plan(statements[0]!, 'prd-0042')).toMatch(
      new RegExp(`SEARCH mirror_${mirror.id} USING INDEX "?mirror_${mirror.id}_key_productnumber`)
    )
    expect(() => rows.findByKey(['name'], ['Product 1'])).toThrow(
      "The mirror of product has no index for key column 'name'."
    )
  })

  it('indexes compound keys, and keys added later cover the rows already there', () => {
    const mirror = store.mirrors.ensure(products())
    fill(mirror, [
      { productnumber: 'A', name: 'Left', vendorname: 'Contoso' },
      { productnumber: 'B', name: 'Right', vendorname: 'Fabrikam' }
    ])
    // Two keys whose column names joined with '_' would read the same.
    const wider = store.mirrors.ensure({
      ...products(),
      columns: ['name', 'productnumber', 'vendorname', 'name_vendorname'],
      keys: [['productnumber'], ['name', 'vendorname'], ['name_vendorname']]
    })
    const rows = store.mirrors.rows(wider)
    expect(rows.findByKey(['name', 'vendorname'], ['RIGHT', 'fabrikam'])?.id).toBe(id(2))
    // A fresh MirrorRows: the one above has the statement prepared already.
    const fresh = () => store.mirrors.rows(wider)
    const statements = preparedBy(() => fresh().findByKey(['name', 'vendorname'], ['x', 'y']))
    expect(plan(statements[0]!, 'x', 'y')).toMatch(/USING INDEX .*k_name=\? AND k_vendorname=\?/)
    const single = preparedBy(() => fresh().findByKey(['name_vendorname'], ['x']))
    expect(plan(single[0]!, 'x')).toMatch(/USING INDEX .*k_name_vendorname=\?/)

    // A key the table no longer has loses its index.
    const narrowed = store.mirrors.ensure(products())
    const indexes = (
      store.db.prepare(`PRAGMA index_list("mirror_${narrowed.id}")`).all() as { name: string }[]
    )
      .map((i) => i.name)
      .filter((n) => n.includes('_key_'))
    expect(indexes).toEqual([`mirror_${narrowed.id}_key_productnumber`])
  })

  it('finds many records by key in one statement, with the answers findByKey gives one by one', () => {
    const mirror = store.mirrors.ensure({
      ...products(),
      columns: ['name', 'productnumber', 'price', 'vendorname'],
      keys: [['productnumber'], ['name', 'vendorname']]
    })
    fill(mirror, [
      { productnumber: 'PRD-1', name: 'Left', vendorname: 'Contoso', price: 5 },
      { productnumber: 'PRD-2', name: 'Right', vendorname: 'Fabrikam', price: 7.5 },
      { productnumber: "O'Brien", name: 'Ünïcode', vendorname: 'Contoso', price: 1 }
    ])
    const rows = store.mirrors.rows(mirror)
    const wanted = [['prd-2'], ['PRD-404'], ["o'brien"], ['PRD-1'], ['PRD-2']]
    const statements = preparedBy(() => rows.findManyByKey(['productnumber'], wanted))
    const many = rows.findManyByKey(['productnumber'], wanted)
    expect(statements).toHaveLength(1)
    expect(plan(statements[0]!, JSON.stringify(wanted))).toMatch(/USING INDEX .*k_productnumber=\?/)
    wanted.forEach((tuple, i) =>
      expect(many.get(i), String(tuple)).toEqual(rows.findByKey(['productnumber'], tuple))
    )
    expect([...many.keys()].sort()).toEqual([0, 2, 3, 4])
    // Compound keys, case-insensitive per column, and a numeric key column compared as a number.
    const compound = rows.findManyByKey(
      ['name', 'vendorname'],
      [
        ['RIGHT', 'fabrikam'],
        ['Right', 'Contoso'],
        ['Ünïcode', 'CONTOSO']
      ]
    )
    expect([...compound].sort(([a], [b]) => a - b).map(([i, r]) => [i, r.id])).toEqual([
      [0, id(2)],
      [2, id(3)]
    ])
    expect(rows.findManyByKey(['productnumber'], [])).toEqual(new Map())
    expect(() => rows.findManyByKey(['price'], [[5]])).toThrow(
      "The mirror of product has no index for key column 'price'."
    )
  })

  it('stores the delta link with the row count, and removing a mirror drops its rows', () => {
    const product = store.mirrors.ensure(products())
    const account = store.mirrors.ensure({
      ...products(),
      tableName: 'account',
      entitySet: 'accounts'
    })
    fill(product, [{ productnumber: 'A' }, { productnumber: 'B' }])
    fill(account, [{ productnumber: 'kept' }])
    store.mirrors.saveDeltaLink(
      product.id,
      'http://127.0.0.1:1/api/data/v9.2/products?$deltatoken=1',
      '2026-01-01T00:00:00.000Z'
    )
    expect(store.mirrors.byId(product.id)).toMatchObject({
      deltaLink: 'http://127.0.0.1:1/api/data/v9.2/products?$deltatoken=1',
      deltaSavedAt: '2026-01-01T00:00:00.000Z',
      rowCount: 2
    })

    store.mirrors.remove(store.mirrors.byId(product.id)!)
    expect(store.mirrors.find(environmentId, 'product')).toBeUndefined()
    expect(sqlTables(store.db)).toEqual([`mirror_${account.id}`])
    expect(store.mirrors.rows(account).count()).toBe(1)
  })
})
