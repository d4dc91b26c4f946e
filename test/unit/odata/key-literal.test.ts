import { describe, expect, it } from 'vitest'
import {
  FORBIDDEN_KEY_CHARACTERS,
  KeyValueError,
  keyLiteral,
  keyPredicate,
  recordPath
} from '../../../src-shared/odata/key-literal'
import type { ColumnType } from '../../../src-shared/model/metadata'

/**
 * Alternate-key literals (src-shared/odata/key-literal.ts) from column types, as reference §2.1
 * and §2.2 describe them: what goes between the parentheses of `products(…)`.
 */

const col = (logicalName: string, type: ColumnType) => ({ logicalName, type })
const text = col('productnumber', 'String')
const GUID_UPPER = '49B0BE2E-D01C-ED11-B83E-000D3A572421'

function refusal(run: () => unknown): KeyValueError {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(KeyValueError)
    return err as KeyValueError
  }
  throw new Error('expected a KeyValueError')
}

describe('literals by column type (reference §2.1)', () => {
  it('quotes text and doubles the quotes inside it (§2.2)', () => {
    expect(keyLiteral(text, 'A-1')).toBe("'A-1'")
    expect(keyLiteral(text, "O'Brien")).toBe("'O''Brien'")
    expect(keyLiteral(text, "Men's 'best'")).toBe("'Men''s ''best'''")
    expect(keyLiteral(text, "''")).toBe("''''''")
    expect(keyLiteral(text, 42)).toBe("'42'")
  })

  it('writes whole numbers, decimals and choices bare', () => {
    expect(keyLiteral(col('n', 'Integer'), 2)).toBe('2')
    expect(keyLiteral(col('n', 'Integer'), ' -17 ')).toBe('-17')
    expect(keyLiteral(col('n', 'BigInt'), '9007199254740991')).toBe('9007199254740991')
    expect(keyLiteral(col('n', 'Picklist'), 3)).toBe('3')
    expect(keyLiteral(col('n', 'Decimal'), 12.5)).toBe('12.5')
    expect(keyLiteral(col('n', 'Decimal'), '0.25')).toBe('0.25')
    expect(keyLiteral(col('n', 'Money'), -3)).toBe('-3')
    for (const bad of [1.5, '1.5', 'two', '', '9007199254740993'])
      expect(refusal(() => keyLiteral(col('qty', 'Integer'), bad)).column).toBe('qty')
    // Text that JavaScript happens to read as a number is not a decimal in the source data.
    for (const bad of ['0x10', 'Infinity', '1,5', ' ', '12abc'])
      expect(() => keyLiteral(col('price', 'Decimal'), bad), bad).toThrow(KeyValueError)
  })

  it('writes GUIDs bare and lower-case, for ids and lookups alike', () => {
    expect(keyLiteral(col('accountid', 'Uniqueidentifier'), GUID_UPPER)).toBe(
      GUID_UPPER.toLowerCase()
    )
    expect(keyLiteral(col('primarycontactid', 'Lookup'), GUID_UPPER)).toBe(GUID_UPPER.toLowerCase())
    expect(() => keyLiteral(col('primarycontactid', 'Lookup'), 'not-a-guid')).toThrow(
      "Key column 'primarycontactid': expected a GUID, got 'not-a-guid'."
    )
  })

  it('accepts ISO 8601 dates only, and only real ones', () => {
    const when = col('validfromdate', 'DateTime')
    expect(keyLiteral(when, '2025-01-06')).toBe('2025-01-06')
    expect(keyLiteral(when, '2025-01-06T09:00:00Z')).toBe('2025-01-06T09:00:00Z')
    expect(keyLiteral(when, '2025-01-06T09:00:00.5+02:00')).toBe('2025-01-06T09:00:00.5+02:00')
    // Date.parse reads all of these; Dataverse reads none of them as a date literal.
    for (const bad of ['1', 'March 7, 2024', '2024-02-30', '2025-01-06 09:00', '06/01/2025'])
      expect(() => keyLiteral(when, bad), bad).toThrow(KeyValueError)
  })

  it('refuses empty values and types that cannot be keys', () => {
    expect(refusal(() => keyLiteral(text, '')).message).toBe(
      "Key column 'productnumber': the value is empty; every key column needs a value."
    )
    expect(() => keyLiteral(text, null)).toThrow(KeyValueError)
    expect(() => keyLiteral(text, { a: 1 })).toThrow(/expected text, got object/)
    expect(() => keyLiteral(col('x', 'Virtual'), 'a')).toThrow(/type Virtual can't be part/)
  })
})

describe('predicates (reference §2.1, §2.2)', () => {
  it('names lookups _x_value and joins compound keys with commas', () => {
    expect(
      keyPredicate(
        [col('firstname', 'String'), col('parentcustomerid', 'Customer'), col('age', 'Integer')],
        ['Joe', GUID_UPPER, 7]
      )
    ).toBe(`firstname='Joe',_parentcustomerid_value=${GUID_UPPER.toLowerCase()},age=7`)
    expect(recordPath('contacts', keyPredicate([text], ['A-1']))).toBe(
      "contacts(productnumber='A-1')"
    )
  })

  it('writes the primary key as a bare GUID', () => {
    expect(keyPredicate([col('accountid', 'Uniqueidentifier')], [GUID_UPPER], 'accountid')).toBe(
      GUID_UPPER.toLowerCase()
    )
  })

  it('URL-encodes what would end or split the segment: spaces, unicode, #, comma, =, ;, @, $', () => {
    expect(keyPredicate([text], ['A 1'])).toBe("productnumber='A%201'")
    expect(keyPredicate([text], ['Zoë 日本'])).toBe("productnumber='Zo%C3%AB%20%E6%97%A5%E6%9C%AC'")
    expect(keyPredicate([text], ['#1,a=b;c@d$e'])).toBe("productnumber='%231%2Ca%3Db%3Bc%40d%24e'")
    expect(keyPredicate([text], ["O'Brien"])).toBe("productnumber='O''Brien'")
    expect(keyPredicate([text], ['😀'])).toBe("productnumber='%F0%9F%98%80'")
  })

  it('refuses text that is not valid Unicode (a lone surrogate) with a KeyValueError', () => {
    const error = refusal(() => keyPredicate([text], ['ab\uD800']))
    expect(error.message).toMatch(/^Key column 'productnumber': .*not valid Unicode/)
  })
})

describe('characters Dataverse cannot address by key (reference §2.2)', () => {
  it.each(FORBIDDEN_KEY_CHARACTERS.map((c) => [c]))(
    "refuses '%s' before anything is sent, naming the column and the character",
    (ch) => {
      const error = refusal(() => keyPredicate([col('sku', 'String')], [`A${ch}1`]))
      expect(error.column).toBe('sku')
      expect(error.value).toBe(`A${ch}1`)
      expect(error.message).toBe(
        `Key column 'sku': 'A${ch}1' contains '${ch}'. Dataverse can't find records by an alternate key whose value contains / < > * % & : \\ ? or + (even URL-encoded); change the value or match by another key.`
      )
    }
  )

  it('lists exactly the ten characters of the docs', () => {
    expect([...FORBIDDEN_KEY_CHARACTERS].sort()).toEqual(
      ['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+'].sort()
    )
  })
})
