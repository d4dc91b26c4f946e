import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DataverseClient } from '../../src-main/dataverse/client'
import { parseKeyPredicate, type KeyLiteral } from '../../src-main/sandbox/odata/key-predicate'
import type { TableDef } from '../../src-main/sandbox/schema/types'
import type { ColumnType } from '../../src-shared/model/metadata'
import { jsonPropertyOf } from '../../src-shared/model/metadata'
import {
  FORBIDDEN_KEY_CHARACTERS,
  KeyValueError,
  keyPredicate,
  recordPath
} from '../../src-shared/odata/key-literal'
import { probeClient } from '../support/client-probe'
import { withDemoTables } from '../support/doc-tables'
import { fuzz, runs } from '../support/fuzz-kit'
import { startHarness, type Harness } from '../support/sandbox-harness'

/**
 * OData key literals (src-shared/odata/key-literal.ts) under hostile values: whatever the column
 * types and values, keyPredicate either refuses with a KeyValueError or gives a predicate that
 * stays inside its key segment of the URL and that the sandbox's own parser (written from the
 * docs, never sharing the client's code) reads back as the same names and values. Accepted
 * values round-trip through the sandbox: an upsert by the key, then a read by it, finds them.
 */

const API_ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2/'

const TYPES: ColumnType[] = [
  'String',
  'Memo',
  'Integer',
  'BigInt',
  'Picklist',
  'State',
  'Status',
  'Decimal',
  'Money',
  'Double',
  'Uniqueidentifier',
  'Lookup',
  'Customer',
  'Owner',
  'DateTime',
  'Boolean',
  'Virtual',
  'EntityName',
  'Other'
]

/** Pieces that matter in a URL, in OData, in UTF-8 and to the parsers. */
const piece = fc.oneof(
  fc.constantFrom(
    ...FORBIDDEN_KEY_CHARACTERS,
    "'",
    "''",
    '(',
    ')',
    ',',
    '=',
    '#',
    ' ',
    '%20',
    '%27',
    '\n',
    '\r',
    '\u0000',
    '\ud800',
    '\udc00',
    '😀',
    'é',
    '"',
    ';',
    '@',
    '$',
    '..',
    'null',
    'true'
  ),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 })
)
const hostileText = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''))
const guid = fc.uuid().chain((g) => fc.constantFrom(g, g.toUpperCase(), ` ${g}`, `${g})`, `x${g}`))
const numeric = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.stringMatching(/^ ?[+-]?\d{0,20}(\.\d{0,5})?([eE][+-]?\d{1,3})? ?$/),
  fc.constantFrom('0x10', 'Infinity', '-Infinity', 'NaN', '1,5', '9007199254740993', '')
)
const dateText = fc.oneof(
  fc
    .date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true })
    .chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10))),
  fc.constantFrom('2024-02-30', '2025-01-06 09:00', '2025-01-06T09:00:00+02:00', '1', '2025-13-01')
)
const value = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  { weight: 2, arbitrary: numeric },
  { weight: 2, arbitrary: guid },
  { weight: 1, arbitrary: dateText },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.anything() }
)
const column = fc.record({
  logicalName: fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/),
  // Types that can't be keys, seldom: each one refuses the whole predicate.
  type: fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...TYPES.slice(0, 16)) },
    { weight: 1, arbitrary: fc.constantFrom(...TYPES.slice(16)) }
  )
})

/** Values a column of the type may well hold, so that most inputs get past the first check. */
function plausible(type: ColumnType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'String':
    case 'Memo':
      return fc.oneof(
        hostileText,
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
        fc.string({ minLength: 1, maxLength: 8 })
      )
    case 'Integer':
    case 'BigInt':
    case 'Picklist':
    case 'State':
    case 'Status':
      return fc.oneof(
        fc.integer(),
        fc.maxSafeInteger(),
        fc.integer().map((n) => ` ${n} `)
      )
    case 'Decimal':
    case 'Money':
    case 'Double':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), numeric)
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return guid
    case 'DateTime':
      return dateText
    case 'Boolean':
      return fc.boolean()
    default:
      return value
  }
}

/** 1–3 columns of random types, each with a plausible value most of the time, else anything. */
const keyed = fc
  .uniqueArray(column, { minLength: 1, maxLength: 3, selector: (c) => c.logicalName })
  .chain((cols) =>
    fc.tuple(
      fc.constant(cols),
      fc.tuple(
        ...cols.map((c) =>
          fc.oneof({ weight: 6, arbitrary: plausible(c.type) }, { weight: 1, arbitrary: value })
        )
      ),
      fc.boolean()
    )
  )

type Column = { logicalName: string; type: ColumnType }

/** What the value means once Dataverse has read the literal, as the sandbox's parser gives it. */
function meaning(column: Column, v: unknown): unknown {
  switch (column.type) {
    case 'String':
    case 'Memo':
      return String(v)
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return String(v).toLowerCase()
    case 'Boolean':
      return v
    default: {
      const n = typeof v === 'number' ? v : Number(String(v).trim())
      return n === 0 ? 0 : n
    }
  }
}

function literalValue(literal: KeyLiteral): unknown {
  if (literal.kind === 'null') return null
  if (literal.kind === 'number') return literal.value === 0 ? 0 : literal.value
  return literal.value
}

describe('keyPredicate under hostile values (pure)', () => {
  it('refuses with a KeyValueError, or stays in its key segment and means the same values', async () => {
    await fuzz(
      'odata key literal',
      'refused or stays in the key segment, read back alike',
      keyed,
      ([cols, values, asPrimary]) => {
        const primaryId = asPrimary && cols.length === 1 ? cols[0]!.logicalName : undefined
        let predicate: string
        try {
          predicate = keyPredicate(cols, values, primaryId)
        } catch (err) {
          if (!(err instanceof KeyValueError)) throw err
          expect(cols.map((c) => c.logicalName)).toContain(err.column)
          return 'refused'
        }
        // The segment: nothing that ends a path segment, starts a query or a fragment, or
        // needs encoding; the URL parser leaves the path exactly as written.
        expect(predicate).toMatch(/^[!-~]+$/)
        expect(predicate).not.toMatch(/[/?#\\]/)
        const path = recordPath('products', predicate)
        const url = new URL(API_ROOT + path)
        expect(url.pathname).toBe(`/api/data/v9.2/${path}`)
        expect(url.search).toBe('')
        expect(url.hash).toBe('')
        expect(url.host).toBe('contoso.crm.dynamics.com')
        // Accepted text never holds a character Dataverse can't address by key.
        const decoded = decodeURIComponent(predicate)
        for (const [i, c] of cols.entries())
          if (c.type === 'String' || c.type === 'Memo')
            for (const ch of FORBIDDEN_KEY_CHARACTERS) expect(String(values[i])).not.toContain(ch)
        if (cols.some((c) => c.type === 'DateTime')) return 'accepted (date: segment checked)'
        const parsed = parseKeyPredicate(decoded)
        if (primaryId) {
          expect(parsed.kind).toBe('single')
          if (parsed.kind === 'single')
            expect(literalValue(parsed.literal)).toBe(String(values[0]).toLowerCase())
          return 'accepted (primary id)'
        }
        expect(parsed.kind).toBe('named')
        if (parsed.kind !== 'named') return 'unreachable'
        expect(parsed.pairs.map((p) => p.name)).toEqual(cols.map((c) => jsonPropertyOf(c)))
        for (const [i, c] of cols.entries())
          expect(literalValue(parsed.pairs[i]!.literal), c.type).toEqual(meaning(c, values[i]))
        return 'accepted'
      },
      { numRuns: runs(8000) }
    )
  })

  it('text holding a forbidden character is always refused', async () => {
    await fuzz(
      'odata key literal',
      'forbidden characters refused',
      fc.tuple(
        fc.string({ maxLength: 6 }),
        fc.constantFrom(...FORBIDDEN_KEY_CHARACTERS),
        fc.string({ maxLength: 6 }),
        fc.constantFrom<ColumnType>('String', 'Memo')
      ),
      ([before, bad, after, type]) => {
        expect(() => keyPredicate([{ logicalName: 'code', type }], [before + bad + after])).toThrow(
          KeyValueError
        )
        return 'refused'
      },
      { numRuns: runs(1000) }
    )
  })
})

/** A table with a compound key of text, a whole number and a lookup (reference §2.1). */
const item: TableDef = {
  logicalName: 'fuzz_item',
  entitySetName: 'fuzz_items',
  primaryIdAttribute: 'fuzz_itemid',
  primaryNameAttribute: 'fuzz_name',
  isCustomEntity: true,
  changeTracking: true,
  columns: [
    { name: 'fuzz_itemid', type: 'Uniqueidentifier', validForUpdate: false },
    { name: 'fuzz_name', type: 'String' },
    { name: 'fuzz_code', type: 'String', maxLength: 400 },
    { name: 'fuzz_number', type: 'Integer' }
  ],
  keys: [{ schemaName: 'fuzz_CodeNumberKey', columns: ['fuzz_code', 'fuzz_number'] }]
}

describe('accepted values round-trip against the sandbox', () => {
  let harness: Harness
  let client: DataverseClient
  beforeAll(async () => {
    harness = await startHarness({ schema: withDemoTables(item) })
    client = probeClient(harness).client
  })
  afterAll(() => harness.close())

  it('upsert by the key, then read by the key: the same record and values', async () => {
    let n = 0
    const keyColumns: Column[] = [
      { logicalName: 'fuzz_code', type: 'String' },
      { logicalName: 'fuzz_number', type: 'Integer' }
    ]
    await fuzz(
      'odata key literal',
      'round trip through the sandbox',
      fc.tuple(plausible('String'), fc.oneof(fc.integer(), numeric)),
      async ([code, number]) => {
        // A unique prefix: keys compare without case and accents, so two values could collide.
        const values = [`K${(n += 1)}-${code}`, number]
        let predicate: string
        try {
          predicate = keyPredicate(keyColumns, values)
        } catch (err) {
          if (err instanceof KeyValueError) return 'refused'
          throw err
        }
        const path = recordPath('fuzz_items', predicate)
        // Accepted by the client means addressable by the service: a refusal fails the property.
        const { status } = await client.transport.send({
          method: 'PATCH',
          url: path,
          body: JSON.stringify({ fuzz_name: 'fuzzed' })
        })
        expect(status, path).toBe(204)
        const read = await harness.api('GET', `${path}?$select=fuzz_code,fuzz_number`)
        expect(read.status, `${path}: ${read.text}`).toBe(200)
        expect(read.json.fuzz_code).toBe(values[0])
        expect(read.json.fuzz_number).toBe(meaning(keyColumns[1]!, number))
        return 'round trip'
      },
      { numRuns: runs(400), timeoutMs: 10_000 }
    )
  })
})
