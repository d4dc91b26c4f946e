import { isoSeconds } from '../control/clock'
import type { SandboxState } from '../state'
import { SeededRandom } from './random'

export interface DemoSize {
  accounts: number
  contacts: number
  products: number
}

const COMPANY = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Adventure Works',
  'Tailspin',
  'Litware',
  'Proseware',
  'Woodgrove',
  'Alpine Ski House',
  'Coho Winery',
  'Wide World Importers',
  'Blue Yonder'
]
const SUFFIX = ['Ltd', 'Inc.', 'GmbH', 'S.A.', 'Group', 'Partners', 'Trading', 'Holdings']
const CITIES: [string, string, number, number][] = [
  ['Seattle', 'United States', 47.6, -122.3],
  ['London', 'United Kingdom', 51.5, -0.1],
  ['München', 'Germany', 48.1, 11.6],
  ['Lyon', 'France', 45.8, 4.8],
  ['Oslo', 'Norway', 59.9, 10.8],
  ['Zürich', 'Switzerland', 47.4, 8.5],
  ['São Paulo', 'Brazil', -23.6, -46.6],
  ['Tokyo', 'Japan', 35.7, 139.7]
]
const FIRST = [
  'Joe',
  'Ana',
  'Yvonne',
  'Susanna',
  'Nancy',
  'Maria',
  'Chidi',
  'Søren',
  'Aoife',
  'Mateo',
  'Priya',
  'Liam',
  'Zoë',
  'Kenji'
]
const LAST = [
  'McKay',
  'Stubberod',
  'Anderson',
  'Campbell',
  "O'Brien",
  'Okafor',
  'Nørgaard',
  'García',
  'Kowalski',
  'Nakamura',
  'Smith',
  'Dubois'
]
const PRODUCT = [
  'Bike',
  'Helmet',
  'Glove',
  'Pump',
  'Light',
  'Lock',
  'Bottle',
  'Saddle',
  'Chain',
  'Tyre',
  'Frame',
  'Pedal'
]
const ADJECTIVE = ['Road', 'Mountain', 'Touring', 'Urban', 'Carbon', 'Pro', 'Classic', 'Trail']

const PRODUCT_COLUMNS = [
  '__version',
  'versionnumber',
  'createdon',
  'modifiedon',
  'statecode',
  'statuscode',
  'productid',
  'name',
  'productnumber',
  'price',
  'standardcost',
  'quantityonhand',
  'producttypecode',
  'isstockitem',
  'quantitydecimal',
  'validfromdate',
  'vendorname'
]

/**
 * Deterministic demo data: the same seed gives the same rows, ids and version numbers. Rows are
 * inserted straight into the stores in one transaction, so 1,000,000 products take seconds.
 */
export function seedDemo(state: SandboxState, size: DemoSize, seed: number): void {
  const rnd = new SeededRandom(seed)
  const created = isoSeconds(Date.UTC(2025, 0, 6, 9, 0, 0))
  let version = 0
  const base = (): Record<string, unknown> => {
    version = state.changeLog.next()
    return {
      __version: version,
      versionnumber: version,
      createdon: created,
      modifiedon: created,
      statecode: 0,
      statuscode: 1
    }
  }
  const id = (): string => state.changeLog.sequentialId(version)
  state.write(() => {
    const accounts = state.catalog.store('account')
    const accountIds: string[] = []
    for (let i = 1; i <= size.accounts; i++) {
      const [city, country, lat, lon] = rnd.pick(CITIES)
      const row = base()
      accountIds.push(id())
      accounts.insert({
        ...row,
        accountid: id(),
        name: `${rnd.pick(COMPANY)} ${rnd.pick(SUFFIX)} ${i}`,
        accountnumber: `ACC-${String(i).padStart(5, '0')}`,
        telephone1: `+1 555 ${String(rnd.int(0, 9999)).padStart(4, '0')}`,
        address1_city: city,
        address1_country: country,
        address1_latitude: Number((lat + rnd.next() / 10).toFixed(4)),
        address1_longitude: Number((lon + rnd.next() / 10).toFixed(4)),
        revenue: rnd.int(10, 50_000) * 1000,
        numberofemployees: rnd.int(1, 5000),
        creditonhold: rnd.chance(0.1) ? 1 : 0,
        accountcategorycode: rnd.int(1, 2),
        industrycode: rnd.int(1, 5)
      })
    }
    const contacts = state.catalog.store('contact')
    for (let i = 1; i <= size.contacts; i++) {
      const first = rnd.pick(FIRST)
      const last = rnd.pick(LAST)
      const account = accountIds.length ? rnd.pick(accountIds) : null
      const row = base()
      contacts.insert({
        ...row,
        contactid: id(),
        firstname: first,
        lastname: last,
        fullname: `${first} ${last}`,
        emailaddress1: `${first}.${last}.${i}@example.com`
          .toLowerCase()
          .replace(/[^a-z0-9.@]/g, ''),
        employeeid: `E-${String(i).padStart(5, '0')}`,
        jobtitle: rnd.pick(['Buyer', 'Owner', 'Purchasing Manager', 'Accountant', 'CTO']),
        birthdate: `19${rnd.int(50, 99)}-0${rnd.int(1, 9)}-1${rnd.int(0, 9)}`,
        parentcustomerid: account,
        parentcustomerid__table: account ? 'account' : null
      })
    }
    const insertProduct = state.catalog.store('product').inserter(PRODUCT_COLUMNS)
    const values: unknown[] = new Array<unknown>(PRODUCT_COLUMNS.length)
    for (let i = 1; i <= size.products; i++) {
      const price = rnd.int(500, 250_000) / 100
      version = state.changeLog.next()
      values[0] = version
      values[1] = version
      values[2] = created
      values[3] = created
      values[4] = 0
      values[5] = 1
      values[6] = id()
      values[7] = `${rnd.pick(ADJECTIVE)} ${rnd.pick(PRODUCT)} ${i}`
      values[8] = `PRD-${String(i).padStart(7, '0')}`
      values[9] = price
      values[10] = Math.round(price * 60) / 100
      values[11] = rnd.int(0, 500)
      values[12] = rnd.int(1, 4)
      values[13] = rnd.chance(0.8) ? 1 : 0
      values[14] = 2
      values[15] = '2025-01-01'
      values[16] = rnd.pick(COMPANY)
      insertProduct(values)
    }
    // Warehouses last, from their own sequence, so the rows above stay what they always were.
    if (!state.catalog.tables().some((t) => t.logicalName === 'dvs_warehouse')) return
    const places = new SeededRandom(seed + 1)
    const warehouses = state.catalog.store('dvs_warehouse')
    for (let i = 1; i <= WAREHOUSES; i++) {
      const [city] = CITIES[(i - 1) % CITIES.length]!
      const row = base()
      warehouses.insert({
        ...row,
        dvs_warehouseid: id(),
        dvs_name: `${city} ${i <= CITIES.length ? 'central' : 'overflow'} warehouse`,
        dvs_code: `WH-${String(i).padStart(3, '0')}`,
        dvs_city: city,
        dvs_capacity: places.int(10, 400) * 100
      })
    }
  })
}

/** Warehouses in the demo (the table without change tracking). */
const WAREHOUSES = 12
