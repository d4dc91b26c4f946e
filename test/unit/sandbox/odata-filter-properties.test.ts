import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ODataError } from '../../../src-main/sandbox/http/errors'
import {
  collectAliases,
  compileFilter,
  parseCount,
  parseExpand,
  parseOrderBy,
  parseSelect,
  parseTop
} from '../../../src-main/sandbox/odata/query-options'
import { accountResolver, accounts, tableResolver, type Account } from './odata-fixtures'

/** Runs `fn`; anything thrown must be the sandbox's ODataError, never a TypeError or RangeError. */
function onlyODataErrors(fn: () => unknown): void {
  try {
    fn()
  } catch (error) {
    if (!(error instanceof ODataError)) throw error
    expect(error.status).toBe(400)
  }
}

const aliases = new Map([
  ['@p1', "'x'"],
  ['@p2', '["a","b"]']
])

function filterAll(text: string): void {
  const predicate = compileFilter(text, accountResolver, aliases)
  for (const row of accounts) expect(typeof predicate(row)).toBe('boolean')
}

// Fragments of real filters, so random sequences reach deep into the parser and evaluator.
const FRAGMENTS = [
  'name',
  'revenue',
  'creditonhold',
  'modifiedon',
  'accountid',
  'primarycontactid/fullname',
  'eq',
  'ne',
  'gt',
  'le',
  'and',
  'or',
  'not',
  '(',
  ')',
  ',',
  "'",
  "''",
  "'Litware'",
  '"',
  '1',
  '-2.5',
  '2023-04-07',
  '2023-04-07T21:59:01Z',
  '70bf4d48-34cb-ed11-b596-0022481d68cd',
  'null',
  'true',
  'contains(',
  'startswith(',
  '@p1',
  '@p2',
  '@nope',
  'Microsoft.Dynamics.CRM.In(',
  'Microsoft.Dynamics.CRM.Between(',
  "PropertyName='revenue'",
  'PropertyValues=',
  '[',
  ']',
  '/',
  'any(',
  ':',
  'Microsoft.Dynamics.CRM.OwnershipTypes',
  '%',
  '_',
  'toString',
  '__proto__',
  'Microsoft.Dynamics.CRM.toString(',
  'Microsoft.Dynamics.CRM.constructor(',
  'hasOwnProperty('
]
const tokenSoup = fc
  .array(fc.tuple(fc.constantFrom(...FRAGMENTS), fc.constantFrom('', ' ', '  ')), { maxLength: 25 })
  .map((parts) => parts.map(([fragment, space]) => fragment + space).join(''))

describe('robustness: hostile input gets a 400, never a crash or a hang', () => {
  it('random text never throws anything but an ODataError from any entry point', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => {
        onlyODataErrors(() => filterAll(text))
        onlyODataErrors(() => parseOrderBy(text, accountResolver))
        onlyODataErrors(() => parseSelect(text))
        onlyODataErrors(() => parseExpand(text))
        onlyODataErrors(() => parseTop(text))
        onlyODataErrors(() => parseCount(text))
        onlyODataErrors(() => collectAliases(new URLSearchParams(text)))
      }),
      { numRuns: 1500 }
    )
  })

  it('sequences of filter fragments never throw anything but an ODataError', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        onlyODataErrors(() => filterAll(text))
        onlyODataErrors(() => parseExpand(`Keys(${text})`))
      }),
      { numRuns: 3000 }
    )
  })

  it('answers pathological input quickly', () => {
    const started = performance.now()
    const cases = [
      '('.repeat(100_000),
      'not '.repeat(100_000) + 'creditonhold',
      Array.from({ length: 50_000 }, () => 'true').join(' and '),
      "'".repeat(100_001),
      'name eq ' + 'a'.repeat(200_000),
      '1 eq 1 eq '.repeat(10_000) + 'true'
    ]
    for (const text of cases) onlyODataErrors(() => filterAll(text))
    const pattern = '%a'.repeat(200) + 'b'
    const rows = [{ name: 'a'.repeat(20_000) }]
    const resolver = tableResolver<(typeof rows)[number]>('Microsoft.Dynamics.CRM.account', {
      name: ['string', 'Edm.String', (r) => r.name]
    })
    expect(rows.filter(compileFilter(`contains(name,'${pattern}')`, resolver))).toEqual([])
    expect(performance.now() - started).toBeLessThan(5000)
  })
})

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`
const single = (name: string) => [{ accountid: '1', name } satisfies Account]

describe('properties of string literals and comparisons', () => {
  it('§2.2 eq on any string with its quotes doubled round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const predicate = compileFilter(`name eq ${quote(s)}`, accountResolver)
        expect(predicate({ accountid: '1', name: s })).toBe(true)
        expect(predicate({ accountid: '1', name: `${s}x` })).toBe(false)
        expect(predicate({ accountid: '1', name: null })).toBe(false)
      }),
      { numRuns: 1000 }
    )
  })

  it('exactly one of lt, eq, gt holds for any two strings, and eq agrees with ge and le', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const holds = (op: string) =>
          single(a).filter(compileFilter(`name ${op} ${quote(b)}`, accountResolver)).length === 1
        const [lt, eq, gt] = [holds('lt'), holds('eq'), holds('gt')]
        expect([lt, eq, gt].filter(Boolean)).toHaveLength(1)
        expect(holds('ge') && holds('le')).toBe(eq)
        expect(holds('ne')).toBe(!eq)
      }),
      { numRuns: 500 }
    )
  })
})

// Small conditions over the fixture accounts, some of which are unknown (null) for some rows.
const atom = fc.constantFrom(
  'revenue gt 5000',
  "name eq 'Test account'",
  'creditonhold',
  "contains(name,'sample')",
  'numberofemployees le 100',
  'accountnumber eq null',
  "Microsoft.Dynamics.CRM.In(PropertyName='numberofemployees',PropertyValues=['4','5'])"
)
const formula: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    tie('f').map((f) => `not (${f})`),
    fc.tuple(tie('f'), tie('f')).map(([a, b]) => `(${a}) and (${b})`),
    fc.tuple(tie('f'), tie('f')).map(([a, b]) => `(${a}) or (${b})`)
  )
})).f

const matching = (filter: string) =>
  accounts.filter(compileFilter(filter, accountResolver)).map((a) => a.accountid)

describe('properties of the three-valued logic', () => {
  it('double negation, De Morgan and commutativity hold on every row', () => {
    fc.assert(
      fc.property(formula, formula, (a, b) => {
        expect(matching(`not (not (${a}))`)).toEqual(matching(a))
        expect(matching(`not ((${a}) and (${b}))`)).toEqual(matching(`not (${a}) or not (${b})`))
        expect(matching(`(${a}) or (${b})`)).toEqual(matching(`(${b}) or (${a})`))
      }),
      { numRuns: 300 }
    )
  })

  it('a row never satisfies both a condition and its negation', () => {
    fc.assert(
      fc.property(formula, (f) => {
        const both = matching(`(${f}) and not (${f})`)
        expect(both).toEqual([])
      }),
      { numRuns: 300 }
    )
  })
})

describe('performance', () => {
  it('compiles once and scans a million rows in well under the HTTP timeout', () => {
    const rows: Account[] = Array.from({ length: 1_000_000 }, (_, i) => ({
      accountid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      name: i % 10 === 0 ? `Account ${i} (sample)` : `Account ${i}`,
      revenue: i % 50_000,
      modifiedon: `2023-0${(i % 9) + 1}-01T00:00:00Z`
    }))
    const started = performance.now()
    const predicate = compileFilter(
      "revenue gt 40000 and contains(name,'(SAMPLE)') and modifiedon ge 2023-05-01",
      accountResolver
    )
    let count = 0
    for (const row of rows) if (predicate(row)) count++
    const elapsed = performance.now() - started
    expect(count).toBeGreaterThan(0)
    expect(elapsed).toBeLessThan(4000)
  })
})
