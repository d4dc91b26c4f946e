import { beforeAll, describe, expect, it } from 'vitest'
import {
  entityIdOf,
  expectError,
  SMALL_SEED,
  useSandbox,
  type Json
} from '../../support/sandbox-harness'

/**
 * Reading collections (reference §8.2–§8.4): $select, $filter, $orderby, $top, $count, /$count
 * and server-driven paging. Filters are checked against an oracle: the same rows fetched without
 * a filter and filtered here, so the assertions hold whatever the seed generated.
 */
const h = useSandbox(SMALL_SEED)

const ACCOUNT_COLUMNS = 'name,accountnumber,telephone1,numberofemployees,revenue,creditonhold'
let all: Json[] = []

async function accountIds(query: string, prefer?: string): Promise<string[]> {
  const res = await h.api('GET', `accounts?$select=name&${query}`, {
    ...(prefer ? { headers: { Prefer: prefer } } : {})
  })
  expect(res.status, res.text).toBe(200)
  return res.json.value.map((r: Json) => r.accountid)
}

const idsWhere = (test: (row: Json) => boolean): string[] =>
  all.filter(test).map((r) => r.accountid)

beforeAll(async () => {
  // Rows the filters below look for, next to the seeded ones.
  const contact = await h.api('POST', 'contacts', {
    body: { firstname: 'Lookup', lastname: 'Pathfinder' }
  })
  const contactId = entityIdOf(contact)
  await h.api('POST', 'contacts', { body: { firstname: 'Ann', lastname: "O'Brien" } })
  for (const body of [
    { name: 'Zebra Query Works', accountnumber: 'Q-1', numberofemployees: 7 },
    { name: 'zebra crossing ltd', accountnumber: 'Q-2', telephone1: '555 0199' },
    {
      name: 'Pathfinder Holdings',
      accountnumber: 'Q-3',
      'primarycontactid@odata.bind': `contacts(${contactId})`
    }
  ]) {
    expect((await h.api('POST', 'accounts', { body })).status).toBe(204)
  }
  const res = await h.api('GET', `accounts?$select=${ACCOUNT_COLUMNS}`)
  all = res.json.value
})

describe('§8.4 $select', () => {
  it('returns only the selected columns plus the primary key, each row with @odata.etag', async () => {
    const res = await h.api('GET', 'accounts?$select=name,accountnumber')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; odata.metadata=minimal')
    expect(res.headers.get('odata-version')).toBe('4.0')
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#accounts(name,accountnumber)`
    )
    expect(res.json.value.length).toBe(SMALL_SEED.accounts! + 3)
    for (const row of res.json.value) {
      expect(Object.keys(row)).toEqual(['@odata.etag', 'name', 'accountnumber', 'accountid'])
      expect(row['@odata.etag']).toMatch(/^W\/"\d+"$/)
    }
  })

  it('without $select returns every column, lookups as _<name>_value', async () => {
    const res = await h.api('GET', "accounts?$filter=accountnumber eq 'Q-3'")
    const [row] = res.json.value
    expect(res.json['@odata.context']).toBe(`${h.sandbox.apiBase}$metadata#accounts`)
    expect(row).toHaveProperty('_primarycontactid_value')
    expect(row).toHaveProperty('statecode', 0)
    expect(row).toHaveProperty('createdon')
    expect(row).not.toHaveProperty('primarycontactid')
  })

  it('refuses an unknown column with the OData error', async () => {
    const res = await h.api('GET', 'accounts?$select=name,nosuchcolumn')
    expectError(
      res,
      400,
      '0x80060888',
      "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.account'."
    )
  })
})

describe('§8.4 $filter', () => {
  it.each([
    ['numberofemployees eq 7', (r: Json) => r.numberofemployees === 7],
    [
      'numberofemployees ne 7',
      (r: Json) => r.numberofemployees !== null && r.numberofemployees !== 7
    ],
    ['numberofemployees gt 2000', (r: Json) => r.numberofemployees > 2000],
    ['numberofemployees ge 2000', (r: Json) => r.numberofemployees >= 2000],
    ['revenue lt 20000000', (r: Json) => r.revenue !== null && r.revenue < 20_000_000],
    ['revenue le 20000000', (r: Json) => r.revenue !== null && r.revenue <= 20_000_000],
    ['creditonhold eq true', (r: Json) => r.creditonhold === true]
  ])('comparison %s', async (filter, oracle) => {
    expect((await accountIds(`$filter=${filter}`)).sort()).toEqual(idsWhere(oracle).sort())
  })

  it('and / or / not with parentheses', async () => {
    const got = await accountIds(
      '$filter=(numberofemployees gt 1000 and revenue gt 10000000) or not (creditonhold eq false)'
    )
    const want = idsWhere(
      (r) =>
        (r.numberofemployees > 1000 && r.revenue > 10_000_000) ||
        (r.creditonhold !== null && !(r.creditonhold === false))
    )
    expect(got.sort()).toEqual(want.sort())
    expect(want.length).toBeGreaterThan(0)
  })

  it('contains / startswith / endswith compare case-insensitively', async () => {
    const names = async (filter: string): Promise<string[]> => {
      const res = await h.api('GET', `accounts?$select=name&$filter=${filter}`)
      return res.json.value.map((r: Json) => r.name).sort()
    }
    expect(await names("contains(name,'ZEBRA')")).toEqual([
      'Zebra Query Works',
      'zebra crossing ltd'
    ])
    expect(await names("startswith(name,'zebra q')")).toEqual(['Zebra Query Works'])
    expect(await names("endswith(name,'LTD')")).toEqual(
      all
        .map((r) => r.name as string)
        .filter((n) => n.toLowerCase().endsWith('ltd'))
        .sort()
    )
    expect(await names("name eq 'ZEBRA QUERY WORKS'")).toEqual(['Zebra Query Works'])
  })

  it('eq null / ne null test for missing values', async () => {
    expect((await accountIds('$filter=numberofemployees eq null')).sort()).toEqual(
      idsWhere((r) => r.numberofemployees === null).sort()
    )
    expect((await accountIds('$filter=telephone1 ne null')).sort()).toEqual(
      idsWhere((r) => r.telephone1 !== null).sort()
    )
  })

  it('follows a lookup path: primarycontactid/fullname', async () => {
    const res = await h.api(
      'GET',
      "accounts?$select=name&$filter=primarycontactid/fullname eq 'Lookup Pathfinder'"
    )
    expect(res.json.value.map((r: Json) => r.name)).toEqual(['Pathfinder Holdings'])
  })

  it("doubles a single quote inside a literal: lastname eq 'O''Brien'", async () => {
    const res = await h.api('GET', "contacts?$select=lastname&$filter=lastname eq 'O''Brien'")
    expect(res.status).toBe(200)
    const everyone = await h.api('GET', 'contacts?$select=lastname')
    const want = everyone.json.value.filter((r: Json) => r.lastname === "O'Brien").length
    expect(want).toBeGreaterThan(0)
    expect(res.json.value.length).toBe(want)
    expect(res.json.value.every((r: Json) => r.lastname === "O'Brien")).toBe(true)
  })

  it('an unescaped quote gives the documented unterminated-literal error', async () => {
    const res = await h.api('GET', "contacts?$filter=lastname eq 'O'Bryan'")
    expectError(
      res,
      400,
      '0x80060888',
      "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''."
    )
  })

  it('parameter aliases stand for literals', async () => {
    const res = await h.api('GET', "accounts?$select=name&$filter=accountnumber eq @n&@n='Q-1'")
    expect(res.json.value.map((r: Json) => r.name)).toEqual(['Zebra Query Works'])
  })
})

describe('§8.4 $orderby and $top', () => {
  it('orders by several columns, nulls first when ascending', async () => {
    const res = await h.api(
      'GET',
      'accounts?$select=numberofemployees,name&$orderby=numberofemployees asc,name desc'
    )
    const rows: Json[] = res.json.value
    const key = (r: Json): number => (r.numberofemployees === null ? -1 : r.numberofemployees)
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]]
      expect(key(a)).toBeLessThanOrEqual(key(b))
      if (key(a) === key(b))
        expect(a.name.toLowerCase() >= b.name.toLowerCase(), `${a.name} / ${b.name}`).toBe(true)
    }
  })

  it('$top limits the rows and gives no next link', async () => {
    const res = await h.api('GET', 'accounts?$select=name&$top=3&$orderby=name')
    expect(res.json.value).toHaveLength(3)
    expect(res.json['@odata.nextLink']).toBeUndefined()
  })

  it('refuses $skip, which Dataverse does not support (§8.2)', async () => {
    expectError(await h.api('GET', 'accounts?$skip=2'), 400, '0x80060888')
  })
})

describe('§8.3 counting', () => {
  it('$count=true puts @odata.count before value', async () => {
    const res = await h.api(
      'GET',
      'accounts?$select=accountid&$count=true&$filter=creditonhold eq false'
    )
    expect(Object.keys(res.json)).toEqual(['@odata.context', '@odata.count', 'value'])
    expect(res.json['@odata.count']).toBe(idsWhere((r) => r.creditonhold === false).length)
  })

  it('totalrecordcount annotations when asked for: the count, or -1 without $count', async () => {
    const headers = {
      Prefer:
        'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount,Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"'
    }
    const counted = await h.api('GET', 'accounts?$select=accountid&$count=true', { headers })
    expect(counted.headers.get('preference-applied')).toBe(headers.Prefer)
    expect(counted.json).toMatchObject({
      '@odata.count': all.length,
      '@Microsoft.Dynamics.CRM.totalrecordcount': all.length,
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': false
    })
    const uncounted = await h.api('GET', 'accounts?$select=accountid', { headers })
    expect(uncounted.json['@odata.count']).toBeUndefined()
    expect(uncounted.json['@Microsoft.Dynamics.CRM.totalrecordcount']).toBe(-1)
  })

  it('/$count answers a plain number, filtered when asked', async () => {
    const res = await h.api('GET', 'accounts/$count')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(res.text.replace(/^\uFEFF/, '')).toBe(String(all.length))
    const filtered = await h.api('GET', "accounts/$count?$filter=startswith(name,'zebra')")
    expect(filtered.text).toBe('2')
  })
})

describe('§8.2 paging with Prefer: odata.maxpagesize', () => {
  it('pages through every row exactly once by following @odata.nextLink', async () => {
    const prefer = { Prefer: 'odata.maxpagesize=4' }
    let res = await h.api('GET', 'accounts?$select=name', { headers: prefer })
    expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=4')
    const seen: string[] = []
    let pages = 0
    for (;;) {
      pages++
      expect(res.status).toBe(200)
      seen.push(...res.json.value.map((r: Json) => r.accountid))
      const next = res.json['@odata.nextLink']
      if (!next) break
      expect(res.json.value).toHaveLength(4)
      // The link is the request URL plus a $skiptoken paging cookie; nextLink comes after value.
      expect(Object.keys(res.json)).toEqual(['@odata.context', 'value', '@odata.nextLink'])
      const url = new URL(next)
      expect(url.searchParams.get('$select')).toBe('name')
      expect(url.searchParams.get('$skiptoken')).toMatch(
        /^<cookie pagenumber="\d+" pagingcookie="[^"]+" istracking="False" \/>$/
      )
      res = await h.api('GET', next, { headers: prefer })
      expect(res.headers.get('preference-applied')).toBe('odata.maxpagesize=4')
    }
    expect(pages).toBe(Math.ceil(all.length / 4))
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.sort()).toEqual(all.map((r) => r.accountid).sort())
  })

  it('keeps $filter and $orderby across pages', async () => {
    const prefer = { Prefer: 'odata.maxpagesize=3' }
    let res = await h.api(
      'GET',
      'accounts?$select=name,numberofemployees&$filter=numberofemployees ne null&$orderby=numberofemployees desc',
      { headers: prefer }
    )
    const values: number[] = []
    for (;;) {
      values.push(...res.json.value.map((r: Json) => r.numberofemployees))
      if (!res.json['@odata.nextLink']) break
      res = await h.api('GET', res.json['@odata.nextLink'], { headers: prefer })
    }
    const want = all
      .map((r) => r.numberofemployees)
      .filter((n) => n !== null)
      .sort((a, b) => b - a)
    expect(values).toEqual(want)
  })

  it('ignores $top when odata.maxpagesize is also given', async () => {
    const res = await h.api('GET', 'accounts?$select=name&$top=2', {
      headers: { Prefer: 'odata.maxpagesize=5' }
    })
    expect(res.json.value).toHaveLength(5)
    expect(res.json['@odata.nextLink']).toContain('$skiptoken=')
  })

  it('refuses a $skiptoken the service did not write', async () => {
    const res = await h.api('GET', 'accounts?$select=name&$skiptoken=garbage', {
      headers: { Prefer: 'odata.maxpagesize=2' }
    })
    expectError(res, 400, '0x80040203')
  })
})

describe('§8.4 formatted values', () => {
  it('adds FormattedValue annotations before each value and echoes the preference', async () => {
    const prefer = 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"'
    const res = await h.api(
      'GET',
      "accounts?$select=name,revenue,_primarycontactid_value,accountcategorycode,modifiedon&$filter=accountnumber eq 'Q-3'",
      { headers: { Prefer: prefer } }
    )
    expect(res.headers.get('preference-applied')).toBe(prefer)
    const [row] = res.json.value
    const keys = Object.keys(row)
    const annotation = '_primarycontactid_value@OData.Community.Display.V1.FormattedValue'
    expect(row[annotation]).toBe('Lookup Pathfinder')
    expect(keys.indexOf(annotation)).toBe(keys.indexOf('_primarycontactid_value') - 1)
    expect(row['modifiedon@OData.Community.Display.V1.FormattedValue']).toMatch(
      /^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d{2} (AM|PM)$/
    )
  })
})

describe('§8.2 / §8.3 the 5,000 limit', () => {
  const big = useSandbox({ accounts: 1, contacts: 1, products: 5010 })

  it('pages at 5,000 by default, without Preference-Applied', async () => {
    const res = await big.api('GET', 'products?$select=productnumber')
    expect(res.json.value).toHaveLength(5000)
    expect(res.headers.get('preference-applied')).toBeNull()
    const rest = await big.api('GET', res.json['@odata.nextLink'])
    expect(rest.json.value).toHaveLength(10)
    expect(rest.json['@odata.nextLink']).toBeUndefined()
  })

  it('caps a larger odata.maxpagesize at 5,000', async () => {
    const res = await big.api('GET', 'products?$select=productnumber', {
      headers: { Prefer: 'odata.maxpagesize=20000' }
    })
    expect(res.json.value).toHaveLength(5000)
    expect(res.json['@odata.nextLink']).toContain('$skiptoken=')
  })

  it('caps @odata.count and /$count at 5,000', async () => {
    const res = await big.api('GET', 'products?$select=productid&$count=true', {
      headers: { Prefer: 'odata.maxpagesize=1' }
    })
    expect(res.json['@odata.count']).toBe(5000)
    expect((await big.api('GET', 'products/$count')).text).toBe('5000')
    const annotated = await big.api('GET', 'products?$select=productid&$count=true', {
      headers: { Prefer: 'odata.maxpagesize=1,odata.include-annotations="*"' }
    })
    expect(annotated.json).toMatchObject({
      '@Microsoft.Dynamics.CRM.totalrecordcount': 5000,
      '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded': true
    })
  })
})
