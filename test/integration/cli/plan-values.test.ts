import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliOnSandbox, jsonOf, said, words, type CliOnSandbox } from '../../support/dvsync-cli'

/**
 * `dvsync plan` of values that used to be written wrong without a word (issue 19 items 5, 6, 12):
 * 1e309 planned as null (the column cleared), 12.50 under --decimal-comma planned as 1250, an
 * impossible date rolled over. Each is now a row error naming row, column and value, the other
 * rows are planned as written, and the plan exits 1 (cli.md: some records failed). The real CLI
 * in a child process, the sandbox over HTTP.
 */
let env: CliOnSandbox
beforeAll(async () => {
  env = await cliOnSandbox({ products: 5, accounts: 1, contacts: 1 })
})
afterAll(() => env.close())

// product (sandbox demo schema): price Money 0..1e12; stockweight Decimal, precision 2;
// quantitydecimal Integer 0..5 (MinValue/MaxValue from the metadata); validfromdate DateOnly.
const MAP =
  'Code=productnumber,Name=name,Price=price,Weight=stockweight,Qty=quantitydecimal,From=validfromdate'

function csv(name: string, lines: string[]): string {
  const file = join(env.cli.dataDir, name)
  writeFileSync(file, ['Code;Name;Price;Weight;Qty;From', ...lines].join('\n'))
  return file
}

describe('dvsync plan --decimal-comma of numbers and dates that cannot be what they say', () => {
  it('overflow, stray dots, out-of-range and impossible dates are row errors; the rest is planned as written', async () => {
    const file = csv('values.csv', [
      'V-1;Good;1.171,89;1.234,5;3;2026-02-28', // row 1: every value as written
      'V-2;Overflow;1e309;;;', // row 2
      'V-3;Dot;12.50;;;', // row 3: a decimal point in a decimal-comma file
      'V-4;Dots;1,5;1.2.3;;', // row 4
      'V-5;Negative overflow;-1e400;;;', // row 5
      'V-6;Too many;;;6;', // row 6: outside the column's MaxValue 5
      'V-7;No such day;;;;2026-02-30', // row 7
      'V-8;Places;1,23456;;;' // row 8: Money keeps 4 decimal places
    ])
    const run = await env.cli.run([
      ...words(`plan --env sb --table product --map ${MAP} --decimal-comma --json`),
      '--source',
      file
    ])
    expect(run.code, said(run)).toBe(1)
    const plan = jsonOf(run)
    expect(plan).toMatchObject({ creates: 1, errors: 7 })
    const byRow = new Map<number, { action: string; error: string | null; values?: unknown }>(
      plan.items.map((i: { row: number }) => [i.row, i])
    )
    const error = (row: number): string => byRow.get(row)!.error ?? ''
    expect(byRow.get(1)).toMatchObject({ action: 'create', error: null })
    expect(byRow.get(1)).toMatchObject({
      changes: {
        price: { from: null, to: 1171.89 },
        stockweight: { from: null, to: 1234.5 },
        quantitydecimal: { from: null, to: 3 },
        validfromdate: { from: null, to: '2026-02-28' }
      }
    })
    expect(error(2)).toMatch(
      /Row 2.*'Price' → price \(Money\): '1e309' is too large to be a number/
    )
    expect(error(3)).toMatch(
      /Row 3.*'Price' → price \(Money\): '12\.50' is not a number written with a decimal comma.*a dot may only separate thousands, in groups of three digits/
    )
    expect(error(4)).toMatch(/Row 4.*'Weight' → stockweight \(Decimal\): '1\.2\.3' is not a number/)
    expect(error(5)).toMatch(/Row 5.*'-1e400' is too large to be a number/)
    expect(error(6)).toMatch(
      /Row 6.*'Qty' → quantitydecimal \(Integer\): '6' is outside the column's range: 0 to 5/
    )
    expect(error(7)).toMatch(
      /Row 7.*'From' → validfromdate.*'2026-02-30' is not a date: February 2026 has 28 days/
    )
    expect(error(8)).toMatch(/Row 8.*'1,23456' has 5 decimal places; the column keeps 4/)
    // Nothing planned as null: the values that failed are not in any planned change.
    expect(run.stdout).not.toMatch(/"to":null/)
    expect(run.stderr).not.toMatch(/^\s+at /m)
    // Which encoding the file was read in is said before the plan.
    expect(run.stderr).toMatch(
      /Reading .*values\.csv: CSV, encoding utf-8 \(assumed: its first 64 KB are plain ASCII/
    )
  })

  it('the people’s output lists the row errors with row, column and value, and exits 1', async () => {
    const file = csv('people.csv', ['P-1;Fine;2,5;;;', 'P-2;Overflow;1e309;;;', 'P-3;Dot;12.50;;;'])
    const run = await env.cli.run([
      ...words(`plan --env sb --table product --map ${MAP} --decimal-comma`),
      '--source',
      file
    ])
    expect(run.code, said(run)).toBe(1)
    expect(run.stdout).toMatch(/1 creates.*2 with errors/)
    expect(run.stdout).toMatch(/Rows with errors \(they will not be applied\):/)
    expect(run.stdout).toMatch(/Row 2 .*'Price' → price \(Money\): '1e309'/)
    expect(run.stdout).toMatch(/Row 3 .*'Price' → price \(Money\): '12\.50'/)
  })

  it('a decimal-point file: a comma only groups thousands, and 12,50 suggests --decimal-comma', async () => {
    const file = join(env.cli.dataDir, 'point.csv')
    writeFileSync(file, 'Code,Name,Price\nQ-1,Grouped,"1,234.5"\nQ-2,Comma,"12,50"\n')
    const run = await env.cli.run([
      ...words(
        'plan --env sb --table product --map Code=productnumber,Name=name,Price=price --json'
      ),
      '--source',
      file
    ])
    expect(run.code, said(run)).toBe(1)
    const plan = jsonOf(run)
    expect(plan).toMatchObject({ creates: 1, errors: 1 })
    const bad = plan.items.find((i: { row: number }) => i.row === 2)
    expect(bad.error).toMatch(
      /'12,50' is not a number written with a decimal point.*--decimal-comma/
    )
  })
})

describe('dvsync plan says which encoding it read the file in', () => {
  it('a Shift-JIS file: "windows-1252 (assumed …)" and a warning suggesting --encoding shift_jis, on stderr', async () => {
    const file = join(env.cli.dataDir, 'japanese.csv')
    // "Code,Name / J-1,テスト日本語" in Shift-JIS.
    writeFileSync(
      file,
      Buffer.from('436f64652c4e616d650d0a4a2d312c83658358836793fa967b8cea0d0a', 'hex')
    )
    const args = words('plan --env sb --table product --map Code=productnumber,Name=name --json')
    const run = await env.cli.run([...args, '--source', file])
    expect(run.code, said(run)).toBe(0)
    expect(run.stderr).toMatch(
      /Reading .*japanese\.csv: CSV, encoding windows-1252 \(assumed, because its first non-ASCII bytes are not valid UTF-8\), delimiter ',', 2 columns\./
    )
    expect(run.stderr).toMatch(
      /Warning: .*japanese\.csv: .*Shift-JIS \(Japanese\) \(--encoding shift_jis\)/
    )
    jsonOf(run) // stdout stays one JSON document

    const given = await env.cli.run([...args, '--encoding', 'shift_jis', '--source', file])
    expect(given.code, said(given)).toBe(0)
    expect(given.stderr).toMatch(/encoding shift_jis \(as given\)/)
    expect(given.stderr).not.toMatch(/Warning/)
    expect(jsonOf(given).items[0].changes.name.to).toBe('テスト日本語')
  })
})
