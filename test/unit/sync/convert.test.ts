import { describe, expect, it } from 'vitest'
import type { ColumnInfo, ColumnType } from '../../../src-shared/model/metadata'
import { ConversionError, convertValue, type ConvertOptions } from '../../../src-main/sync/convert'

/**
 * Source values → Web API values, as the planner converts every cell (issue 19, items 5, 6, 12):
 * a value is either the one the user wrote or a row error naming it — never null for an
 * overflow, never a regrouped number, never a rolled-over date.
 */
const column = (type: ColumnType, extra: Partial<ColumnInfo> = {}): ColumnInfo => ({
  logicalName: 'c',
  displayName: 'C',
  type,
  isPrimaryId: false,
  isPrimaryName: false,
  validForCreate: true,
  validForUpdate: true,
  validForRead: true,
  requiredLevel: 'None',
  ...extra
})
const point: ConvertOptions = { timeZone: 'UTC', decimalSeparator: '.' }
const comma: ConvertOptions = { timeZone: 'UTC', decimalSeparator: ',' }

function error(type: ColumnType, raw: unknown, options = point, extra?: Partial<ColumnInfo>) {
  try {
    const value = convertValue(column(type, extra), raw, options)
    return `accepted as ${JSON.stringify(value)}`
  } catch (err) {
    expect(err).toBeInstanceOf(ConversionError)
    return (err as Error).message
  }
}

describe('numbers that overflow or leave the column’s range', () => {
  it.each(['Integer', 'BigInt', 'Decimal', 'Money', 'Double'] as const)(
    '%s: 1e309, -1e400 and 1e999999 are row errors naming the value, not null',
    (type) => {
      for (const raw of ['1e309', '-1e400', '1e999999']) {
        const message = error(type, raw)
        expect(message).toContain(`'${raw}'`)
        expect(message).toMatch(/overflows|not a whole number/)
        expect(message).not.toMatch(/accepted/)
      }
      expect(error(type, Infinity)).toMatch(/'Infinity' is not a finite number/)
      expect(error(type, NaN)).toMatch(/'NaN' is not a finite number/)
    }
  )

  it('Money: its documented ±922,337,203,685,477 and 4 decimal places', () => {
    expect(convertValue(column('Money'), '922337203685477', point)).toBe(922337203685477)
    expect(error('Money', '922337203685478')).toMatch(
      /'922337203685478' is outside the column's range: -922,337,203,685,477 to 922,337,203,685,477/
    )
    expect(convertValue(column('Money'), '1171.8912', point)).toBe(1171.8912)
    expect(error('Money', '1171.89123')).toMatch(/has 5 decimal places; the column keeps 4/)
  })

  it('Decimal and Double: ±100,000,000,000; Decimal keeps its precision (10 by default)', () => {
    expect(error('Decimal', '100000000001')).toMatch(/outside the column's range/)
    expect(error('Double', '-100000000001')).toMatch(/outside the column's range/)
    expect(convertValue(column('Decimal'), '0.1234567891', point)).toBe(0.1234567891)
    expect(error('Decimal', '0.12345678912')).toMatch(/11 decimal places; the column keeps 10/)
    expect(error('Decimal', '1.234', point, { precision: 2 })).toMatch(
      /3 decimal places; the column keeps 2/
    )
    expect(convertValue(column('Decimal', { precision: 2 }), '1.230', point)).toBe(1.23)
  })

  it('the metadata’s MinValue/MaxValue narrow the range', () => {
    const extra = { minValue: 0, maxValue: 100 }
    expect(convertValue(column('Integer', extra), '100', point)).toBe(100)
    expect(error('Integer', '101', point, extra)).toMatch(
      /'101' is outside the column's range: 0 to 100/
    )
    expect(error('Decimal', '-0.5', point, extra)).toMatch(/outside the column's range: 0 to 100/)
  })

  it('Integer and BigInt: whole numbers, exactly carried', () => {
    expect(error('Integer', '2147483648')).toMatch(
      /outside the column's range: -2,147,483,648 to 2,147,483,647/
    )
    expect(error('Integer', '1.5')).toMatch(/'1.5' is not a whole number/)
    expect(convertValue(column('Integer'), '1.0', point)).toBe(1)
    expect(convertValue(column('BigInt'), '9007199254740991', point)).toBe(9007199254740991)
    expect(error('BigInt', '9007199254740993')).toMatch(/more digits than can be carried exactly/)
    expect(error('BigInt', 2 ** 60)).toMatch(/more digits than can be carried exactly/)
  })

  it('digits a double cannot carry are refused, not rounded; tiny fractions are not 0', () => {
    expect(error('Decimal', '12345678901.1234567')).toMatch(/decimal places|carried exactly/)
    expect(error('Money', '123456789012345.1234')).toMatch(
      /more digits than can be carried exactly/
    )
    expect(error('Double', '1e-400')).toMatch(/more digits than can be carried exactly/)
  })

  it('binary doubles from JSON or Excel count the places a person saw', () => {
    expect(convertValue(column('Money'), 11.9 * 1.0000000000000002, point)).toBeCloseTo(11.9)
    expect(convertValue(column('Decimal'), 0.1 + 0.2, point)).toBeCloseTo(0.3)
    expect(error('Money', 1.23456)).toMatch(/5 decimal places/)
  })
})

describe('decimal comma: dots only as thousands grouping', () => {
  it.each([
    ['1,5', 1.5],
    ['12,50', 12.5],
    ['1.234', 1234],
    ['1.234,5', 1234.5],
    ['1.234.567', 1234567],
    ['-1.234.567,25', -1234567.25],
    ['1 234,5', 1234.5],
    ['1\u00a0234\u00a0567', 1234567],
    ["1'234,5", 1234.5],
    ['123', 123],
    ['+7', 7],
    [',5', 0.5],
    ['1e3', 1000]
  ])('%s → %s', (raw, value) => {
    expect(convertValue(column('Decimal'), raw, comma)).toBe(value)
  })

  it.each([
    '12.50',
    '1.2.3',
    '1.23,4',
    '1234.5',
    '.5',
    '1.2345',
    '12.345.67',
    '1.234 567',
    '12 50'
  ])('%s is a row error naming the value and saying what is expected', (raw) => {
    const message = error('Money', raw, comma)
    expect(message).toContain(`'${raw}' is not a number`)
    expect(message).toMatch(/decimal comma/)
  })

  it('the message for a stray dot says where dots may go', () => {
    expect(error('Money', '12.50', comma)).toMatch(
      /a dot may only separate thousands, in groups of three digits \(1\.234\.567\)/
    )
  })
})

describe('decimal point: commas only as thousands grouping', () => {
  it.each([
    ['12.5', 12.5],
    ['1,234', 1234],
    ['1,234.5', 1234.5],
    ['1,234,567', 1234567],
    ['1 234.5', 1234.5],
    ['.5', 0.5],
    ['12.', 12]
  ])('%s → %s', (raw, value) => {
    expect(convertValue(column('Double'), raw, point)).toBe(value)
  })

  it.each(['12,50', '1,2,3', '1,23.4', '1,2345', '12,345,67', '1.2.3', '1,234,5'])(
    '%s is a row error that suggests a decimal comma when there is a comma',
    (raw) => {
      const message = error('Double', raw)
      expect(message).toContain(`'${raw}' is not a number`)
      if (raw.includes(',')) expect(message).toMatch(/--decimal-comma/)
    }
  )
})

describe('dates: impossible values refused, Dataverse’s range kept', () => {
  const dateTime = column('DateTime')
  const dateOnly = column('DateTime', { dateOnly: true })

  it('accepts real dates and times', () => {
    expect(convertValue(dateTime, '2024-02-29T23:59:59', point)).toBe('2024-02-29T23:59:59Z')
    expect(convertValue(dateTime, '2025-03-01 09:30+01:00', point)).toBe('2025-03-01T08:30:00Z')
    expect(convertValue(dateOnly, '1753-01-01', point)).toBe('1753-01-01')
    expect(convertValue(dateTime, '9999-12-31T23:59:59Z', point)).toBe('9999-12-31T23:59:59Z')
  })

  it.each([
    ['2026-01-01T99:99:99', /no such time of day/],
    ['2026-01-01T24:00:00', /no such time of day.*midnight as 00:00 of the next day/],
    ['2026-01-01T23:60', /no such time of day/],
    ['2026-01-01T12:00:60Z', /no such time of day/],
    ['2026-02-30', /February 2026 has 28 days/],
    ['2024-02-30', /February 2024 has 29 days/],
    ['2025-04-31T10:00', /April 2025 has 30 days/],
    ['2025-13-01', /no month 13/],
    ['2025-00-10', /no month 00/],
    ['2025-01-01T10:00+15:00', /no such time-zone offset/],
    ['0000-01-01', /outside 1753-01-01 to 9999-12-31/],
    ['0000-01-01T00:00:00Z', /outside 1753-01-01 to 9999-12-31/],
    ['1752-12-31T23:59:59Z', /outside 1753-01-01 to 9999-12-31/],
    ['0099-06-01T12:00', /outside 1753-01-01 to 9999-12-31/]
  ])('%s is a row error', (raw, message) => {
    expect(error('DateTime', raw)).toMatch(message)
    expect(error('DateTime', raw)).toContain(`'${raw}'`)
  })

  it('date-only values outside the range too; a local time that is before 1753 in UTC', () => {
    expect(error('DateTime', '1700-05-05', point, { dateOnly: true })).toMatch(/outside/)
    expect(error('DateTime', '2025-02-29', point, { dateOnly: true })).toMatch(/28 days/)
    expect(error('DateTime', '1753-01-01T00:30', { ...point, timeZone: 'Europe/Berlin' })).toMatch(
      /outside 1753-01-01 to 9999-12-31.*\(in UTC\)/
    )
  })
})
