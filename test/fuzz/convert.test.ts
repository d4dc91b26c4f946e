import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ColumnInfo, ColumnType } from '../../src-shared/model/metadata'
import { ConversionError, convertValue, type ConvertOptions } from '../../src-main/sync/convert'
import { fuzz, runs } from '../support/fuzz-kit'

/**
 * Source values → Web API values (src-main/sync/convert.ts) under any text (issue 19 items 5, 6,
 * 12). What must hold:
 *   - a number column gets a finite number or a ConversionError naming the value — never
 *     ±Infinity or NaN (which JSON writes as null, clearing the column), never another exception;
 *   - a number written with proper grouping reads back as exactly that number, in either mode;
 *   - a dot under a decimal comma (a comma under a decimal point) that does not separate a group
 *     of three digits is an error, never dropped;
 *   - a date or date-time is accepted only if it is a real day and time in 1753–9999, and then
 *     comes out with the same fields (no rollover).
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
const options = (decimalSeparator: '.' | ','): ConvertOptions => ({
  timeZone: 'UTC',
  decimalSeparator
})
const NUMBER_TYPES = ['Integer', 'BigInt', 'Decimal', 'Money', 'Double'] as const

function attempt(
  col: ColumnInfo,
  raw: unknown,
  mode: '.' | ','
): { value?: unknown; error?: string } {
  try {
    return { value: convertValue(col, raw, options(mode)) }
  } catch (err) {
    if (!(err instanceof ConversionError)) throw err
    return { error: err.message }
  }
}

/** Text that looks like numbers: digits, marks, signs, exponents, spaces, and anything. */
const numberish = fc.oneof(
  fc
    .array(
      fc.constantFrom(
        '0',
        '1',
        '2',
        '9',
        '.',
        ',',
        '-',
        '+',
        'e',
        'E',
        ' ',
        "'",
        '\u00a0',
        '5',
        '3'
      ),
      {
        maxLength: 24
      }
    )
    .map((parts) => parts.join('')),
  fc.string({ maxLength: 12 }),
  fc
    .tuple(fc.integer({ min: 300, max: 100000 }), fc.boolean())
    .map(([e, neg]) => `${neg ? '-' : ''}1e${e}`)
)

describe('number columns', () => {
  it('any text: a finite number or a ConversionError naming the value', async () => {
    await fuzz(
      'convert',
      'numbers: finite or ConversionError',
      fc.tuple(
        numberish,
        fc.constantFrom(...NUMBER_TYPES),
        fc.constantFrom('.' as const, ',' as const)
      ),
      ([raw, type, mode]) => {
        const out = attempt(column(type), raw, mode)
        if (out.error !== undefined) {
          if (raw.trim() !== '') expect(out.error).toContain(`'${raw.slice(0, 20)}`)
          return 'refused'
        }
        if (raw.trim() === '') {
          expect(out.value).toBeNull()
          return 'blank: null'
        }
        expect(typeof out.value).toBe('number')
        expect(Number.isFinite(out.value)).toBe(true)
        return 'number'
      },
      { numRuns: runs(3000) }
    )
  })

  it('a number written with proper grouping, in either mode, reads back as exactly that number', async () => {
    const amount = fc
      .tuple(
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.boolean()
      )
      .map(([whole, cents, negative]) => ({ whole, cents, negative }))
    await fuzz(
      'convert',
      'grouped numbers read back exactly',
      fc.tuple(
        amount,
        fc.constantFrom('.' as const, ','),
        fc.constantFrom('mark', 'space', 'none')
      ),
      ({ 0: { whole, cents, negative }, 1: mode, 2: grouping }) => {
        const group =
          grouping === 'none' ? '' : grouping === 'space' ? ' ' : mode === ',' ? '.' : ','
        const digits = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, group)
        const text = `${negative ? '-' : ''}${digits}${mode}${String(cents).padStart(2, '0')}`
        const expected = (negative ? -1 : 1) * Number(`${whole}.${String(cents).padStart(2, '0')}`)
        const out = attempt(column('Money'), text, mode)
        expect(out.error, text).toBeUndefined()
        expect(out.value).toBe(expected === 0 ? 0 : expected)
        return grouping
      },
      { numRuns: runs(2000) }
    )
  })

  it('a grouping mark that does not separate a group of three digits is an error, never dropped', async () => {
    await fuzz(
      'convert',
      'stray grouping marks are errors',
      fc.tuple(
        fc.stringMatching(/^[1-9]\d{0,9}$/),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom('.' as const, ',' as const)
      ),
      ([digits, at, mode]) => {
        const cut = Math.min(at, digits.length)
        // The mark the mode uses for grouping, put where the next group is not three digits long.
        const tail = digits.slice(cut)
        if (tail.length === 3 || tail.length === 0 || cut > 3)
          return 'skipped: proper or ungroupable'
        const mark = mode === ',' ? '.' : ','
        const text = `${digits.slice(0, cut)}${mark}${tail}`
        const out = attempt(column('Decimal'), text, mode)
        expect(out.value, `${text} under '${mode}'`).toBeUndefined()
        expect(out.error).toContain(`'${text}' is not a number`)
        return 'refused'
      },
      { numRuns: runs(2000) }
    )
  })
})

describe('date columns', () => {
  it('accepted only when a real day and time within 1753–9999, then with the same fields', async () => {
    const pad = (n: number, w = 2): string => String(n).padStart(w, '0')
    await fuzz(
      'convert',
      'dates: real and in range, or refused',
      fc.tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 33 }),
        fc.integer({ min: 0, max: 26 }),
        fc.integer({ min: 0, max: 62 }),
        fc.integer({ min: 0, max: 62 }),
        fc.boolean()
      ),
      ([y, mo, d, h, mi, s, dateOnly]) => {
        const date = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`
        const text = dateOnly ? date : `${date}T${pad(h)}:${pad(mi)}:${pad(s)}Z`
        const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
        const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1] ?? 0
        const real =
          y >= 1753 &&
          mo >= 1 &&
          mo <= 12 &&
          d >= 1 &&
          d <= days &&
          (dateOnly || (h < 24 && mi < 60 && s < 60))
        const out = attempt(column('DateTime', dateOnly ? { dateOnly: true } : {}), text, '.')
        if (!real) {
          expect(out.value, text).toBeUndefined()
          expect(out.error).toContain(`'${text}'`)
          return 'refused'
        }
        expect(out.error, text).toBeUndefined()
        expect(out.value).toBe(dateOnly ? date : text)
        return 'accepted'
      },
      { numRuns: runs(3000) }
    )
  })
})
