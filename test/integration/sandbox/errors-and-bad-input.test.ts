import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  entityIdOf,
  expectError,
  SMALL_SEED,
  useSandbox,
  type ApiResult
} from '../../support/sandbox-harness'

/**
 * Errors in Dataverse's documented shape and codes (reference §7), and bad input of every kind:
 * it is refused with a 4xx in that shape, never a 500, a crash or a hang.
 */
const h = useSandbox(SMALL_SEED)

const PAYLOAD = '0x80048d19'
const URI = '0x80060888'

function expectClientError(res: ApiResult, what: string): void {
  expect(res.status, `${what} → ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400)
  expect(res.status, what).toBeLessThan(500)
  expect(Object.keys(res.json ?? {}), what).toEqual(['error'])
  expect(res.json.error.code, what).toMatch(/^0x[0-9A-Fa-f]{8}$/)
}

describe('§7.4 documented codes', () => {
  it('record not found: 404 0x80040217 "Entity \'account\' With Id = … Does Not Exist"', async () => {
    const id = '9e1f3a52-0000-4000-8000-00000000dead'
    expectError(
      await h.api('GET', `accounts(${id})`),
      404,
      '0x80040217',
      `Entity 'account' With Id = ${id} Does Not Exist`
    )
  })

  it('string too long: 400 0x80044331 with the documented message', async () => {
    expectError(
      await h.api('POST', 'accounts', { body: { name: 'x'.repeat(161) } }),
      400,
      '0x80044331',
      "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'."
    )
    // The limit counts characters, not bytes: 160 non-ASCII characters fit.
    expect((await h.api('POST', 'accounts', { body: { name: 'é'.repeat(160) } })).status).toBe(204)
  })

  it('an unknown column: 400 0x80048d19 naming the property and the type', async () => {
    const res = await h.api('POST', 'accounts', { body: { name: 'x', nosuchcolumn: 1 } })
    expectError(
      res,
      400,
      PAYLOAD,
      /The property 'nosuchcolumn' does not exist on type 'Microsoft\.Dynamics\.CRM\.account'/
    )
  })

  it('an unknown entity set: 404 naming the segment', async () => {
    expectError(
      await h.api('GET', 'nosuchthings'),
      404,
      URI,
      "Resource not found for the segment 'nosuchthings'."
    )
  })
})

describe('malformed and mistyped bodies', () => {
  it.each([
    ['broken JSON', '{"name": "x",}'],
    ['an empty body', ''],
    ['an array', '[{"name":"x"}]'],
    ['a string', '"name"'],
    ['null', 'null'],
    ['a number', '42']
  ])('%s is 400 0x80048d19', async (_, body) => {
    expectError(
      await h.api('POST', 'accounts', { body, headers: { 'Content-Type': 'application/json' } }),
      400,
      PAYLOAD
    )
  })

  it.each([
    ['accounts', { name: 5 }],
    ['accounts', { numberofemployees: '5' }],
    ['accounts', { numberofemployees: 1.5 }],
    ['accounts', { creditonhold: 'yes' }],
    ['accounts', { revenue: '100' }],
    ['accounts', { accountid: 'not-a-guid' }],
    ['accounts', { statecode: 'Active' }],
    ['contacts', { lastname: 'x', birthdate: '31/12/1990' }],
    ['contacts', { lastname: 'x', birthdate: '1990-02-30' }]
  ])('%s %j: wrong type is 400 0x80048d19 "Cannot convert…"', async (set, body) => {
    expectError(await h.api('POST', set, { body }), 400, PAYLOAD, /Cannot convert the literal/)
  })

  it('an option value outside the option set is refused (chosen code 0x8004431A)', async () => {
    expectError(
      await h.api('POST', 'accounts', { body: { name: 'x', accountcategorycode: 7 } }),
      400,
      '0x8004431A',
      /outside the valid range/
    )
  })

  it('a number outside the column range is refused', async () => {
    expectError(
      await h.api('POST', 'accounts', { body: { name: 'x', numberofemployees: -1 } }),
      400,
      '0x80044331',
      /outside the valid range \(0 to 1000000000\)/
    )
  })

  it('a failed write changes nothing', async () => {
    const before = (await h.api('GET', 'accounts/$count')).text
    await h.api('POST', 'accounts', { body: { name: 'half', numberofemployees: 'many' } })
    expect((await h.api('GET', 'accounts/$count')).text).toBe(before)
  })
})

describe('malformed URLs and query options', () => {
  it.each([
    'accounts(',
    'accounts()',
    'accounts(abc)',
    "accounts('x')",
    'accounts(accountid=1)',
    "accounts(accountnumber='a',accountnumber='b')",
    "accounts(accountnumber='unterminated)",
    'accounts(00000000-0000-0000-0000-00000000000g)',
    'accounts(%E0%A4%A)'
  ])('key %s is 400', async (path) => {
    const res = await h.api('GET', path)
    expectClientError(res, path)
    expect(res.status).toBe(400)
  })

  it.each([
    'name eq',
    '(((',
    "name eq 'x' and",
    'name eq 1',
    'name eq @missing',
    'contains(name)',
    "nosuch eq 'x'",
    "primarycontactid/nosuch eq 'x'",
    'revenue gt 1e999999',
    "name eq 'x' xor name eq 'y'",
    "Microsoft.Dynamics.CRM.Between(PropertyName='revenue',PropertyValues=['1'])"
  ])('$filter=%s is 400 0x80060888', async (filter) => {
    const res = await h.api('GET', `accounts?$filter=${encodeURIComponent(filter)}`)
    expectError(res, 400, URI)
  })

  it('an unknown property in $filter names the property and type', async () => {
    expectError(
      await h.api('GET', "accounts?$filter=nosuch eq 'x'"),
      400,
      URI,
      "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'."
    )
  })

  it('more than 500 conditions: 400 0x8004430C (filter-rows.md condition limit)', async () => {
    const filter = Array.from({ length: 501 }, (_, i) => `accountnumber eq 'A-${i}'`).join(' or ')
    expectError(
      await h.api('GET', `accounts?$select=name&$filter=${encodeURIComponent(filter)}`),
      400,
      '0x8004430C',
      'Number of conditions in query exceeded maximum limit.'
    )
  })

  it('500 conditions in a long URL are answered (not cut off by a header limit)', async () => {
    const filter = Array.from({ length: 500 }, (_, i) => `accountnumber eq 'A-${i}'`).join(' or ')
    const res = await h.api('GET', `accounts?$select=name&$filter=${encodeURIComponent(filter)}`)
    expect(res.status).toBe(200)
  })

  it('deeply nested parentheses are refused, not a stack overflow', async () => {
    const filter = `${'('.repeat(3000)}name eq 'x'${')'.repeat(3000)}`
    expectError(
      await h.api('GET', `accounts?$filter=${encodeURIComponent(filter)}`),
      400,
      URI,
      'Recursion depth exceeded allowed limit.'
    )
  })

  it('$expand on rows is refused on a collection and on a single record alike', async () => {
    const id = entityIdOf(await h.api('POST', 'accounts', { body: { name: 'Expand' } }))
    expectError(await h.api('GET', 'accounts?$expand=primarycontactid'), 400, URI, /\$expand/)
    expectError(
      await h.api('GET', `accounts(${id})?$expand=primarycontactid($select=fullname)`),
      400,
      URI,
      /\$expand/
    )
  })

  it.each([
    ['$top=-1', /\$top/],
    ['$top=abc', /\$top/],
    ['$count=maybe', /\$count/],
    ['$select=', /Expression expected/],
    ['$orderby=name sideways', /Syntax error/],
    ['$nosuch=1', /not supported/]
  ])('%s is 400', async (query, message) => {
    expectError(await h.api('GET', `accounts?${query}`), 400, URI, message)
  })

  it('a wrong method is 405, an unknown API version or path 404', async () => {
    expectError(await h.api('PUT', 'accounts', { body: {} }), 405, URI)
    expectError(await h.api('GET', '/api/data/v8.0/accounts'), 404, URI)
    expectError(await h.api('GET', '/nothing/here'), 404, URI)
  })
})

describe('oversized bodies (§7.2 413)', () => {
  const small = useSandbox({ seed: 'empty', maxBodyBytes: 64 * 1024 })

  it('a body above the limit is 413 in the error shape; the server stays up', async () => {
    const res = await small.api('POST', 'accounts', {
      body: { name: 'x', description: 'y'.repeat(70 * 1024) }
    })
    expect(res.status).toBe(413)
    expect(res.json.error.code).toMatch(/^0x/)
    expect((await small.api('GET', 'accounts/$count')).text).toBe('0')
  })
})

describe('bad input never yields a 500 or a hang (property)', () => {
  const RUNS = { numRuns: 120 }
  /** Any text, astral characters included (valid UTF-16, so it can be URL-encoded). */
  const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }))
  const check = async (method: string, path: string, body?: string): Promise<void> => {
    const res = await h.api(method, path, {
      timeoutMs: 5000,
      ...(body !== undefined ? { body, headers: { 'Content-Type': 'application/json' } } : {})
    })
    if (res.status >= 400) expectClientError(res, `${method} ${path} ${body ?? ''}`)
    else expect(res.status, `${method} ${path}`).toBeLessThan(400)
  }

  it('random JSON bodies for create, update, upsert by key and bulk actions', async () => {
    const id = entityIdOf(await h.api('POST', 'accounts', { body: { name: 'Target' } }))
    const value = fc.oneof(
      fc.jsonValue(),
      text,
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.constantFrom("accounts(accountnumber='ACC-00001')", `contacts(${id})`, '$1')
    )
    const record = fc.dictionary(
      fc.oneof(
        fc.constantFrom(
          'name',
          'accountnumber',
          'numberofemployees',
          'revenue',
          'creditonhold',
          'statecode',
          'statuscode',
          'accountcategorycode',
          'primarycontactid@odata.bind',
          'parentaccountid@odata.bind',
          '@odata.type',
          '@odata.id',
          'accountid',
          'createdon',
          '_primarycontactid_value'
        ),
        text
      ),
      value
    )
    const body = fc.oneof(
      record.map((r) => JSON.stringify(r)),
      fc.array(record, { maxLength: 3 }).map((t) => JSON.stringify({ Targets: t })),
      text
    )
    const target = fc.constantFrom(
      ['POST', 'accounts'],
      ['PATCH', `accounts(${id})`],
      ['PATCH', "accounts(accountnumber='FUZZ-1')"],
      ['POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple'],
      ['POST', 'accounts/Microsoft.Dynamics.CRM.UpsertMultiple'],
      ['POST', 'accounts/Microsoft.Dynamics.CRM.UpdateMultiple']
    )
    await fc.assert(
      fc.asyncProperty(target, body, async ([method, path], bodyText) =>
        check(method!, path!, bodyText)
      ),
      RUNS
    )
  })

  it('random key predicates and path segments', async () => {
    const segment = fc.oneof(
      text,
      fc.constantFrom("'", "''", '(', ')', ',', '=', '%', '%2F', '/', 'accountnumber', '$count')
    )
    const path = fc
      .tuple(
        fc.constantFrom('accounts', 'contacts', 'EntityDefinitions', 'nope'),
        fc.array(segment, { maxLength: 6 })
      )
      .map(([set, parts]) => `${set}(${parts.map((p) => encodeURIComponent(p)).join('')})`)
    const suffix = fc.constantFrom('', '/name', '/$count', '/Keys', '/Attributes')
    const method = fc.constantFrom('GET', 'DELETE', 'PATCH')
    await fc.assert(
      fc.asyncProperty(method, path, suffix, async (m, p, s) =>
        check(m, `${p}${s}`, m === 'PATCH' ? '{"name":"fuzz"}' : undefined)
      ),
      RUNS
    )
  })

  it('random $filter, $orderby and $select built from OData tokens', async () => {
    const token = fc.constantFrom(
      'name',
      'revenue',
      'numberofemployees',
      'primarycontactid/fullname',
      '_primarycontactid_value',
      'statecode',
      'eq',
      'ne',
      'gt',
      'and',
      'or',
      'not',
      '(',
      ')',
      ',',
      "'x'",
      "'O''Brien'",
      "'",
      'null',
      'true',
      '1',
      '-2.5e3',
      '2024-01-01',
      '00000000-0000-0000-0000-000000000001',
      'contains(',
      'startswith(',
      'Microsoft.Dynamics.CRM.In(PropertyName=',
      "PropertyValues=['1','2'])",
      '@p1',
      'asc',
      'desc',
      ' '
    )
    const expr = fc.array(token, { maxLength: 14 }).map((t) => t.join(' '))
    const option = fc.constantFrom('$filter', '$orderby', '$select')
    await fc.assert(
      fc.asyncProperty(option, expr, async (name, text) =>
        check('GET', `accounts?${name}=${encodeURIComponent(text)}&@p1='x'`)
      ),
      RUNS
    )
  })
})
