import ExcelJS from 'exceljs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openFileSource } from '../../../src-main/sources/index'
import { isDateFormat } from '../../../src-main/sources/xlsx-workbook'
import { readAll, sourceError, tempFiles } from './temp-files'

const files = tempFiles()

/** A workbook written by exceljs (the same library Excel files are read with, but its writer). */
async function workbook(name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook()
  build(wb)
  const file = join(files.dir, name)
  await wb.xlsx.writeFile(file)
  return file
}

const products = (wb: ExcelJS.Workbook): void => {
  wb.addWorksheet('Notes').addRow(['read me'])
  const ws = wb.addWorksheet('Products')
  ws.addRow([
    'productnumber',
    'name',
    'price',
    'active',
    'launched',
    'updated',
    'total',
    'label',
    'site',
    'notes'
  ])
  ws.addRow([
    'PRD-1',
    'O\'Brien "Tea"',
    4.25,
    true,
    new Date(Date.UTC(2024, 2, 5)),
    new Date(Date.UTC(2024, 2, 5, 14, 30, 15)),
    { formula: 'C2*2', result: 8.5 },
    { richText: [{ text: 'Zoë ' }, { font: { bold: true }, text: '東京 😀' }] },
    { text: 'our site', hyperlink: 'https://example.com' },
    null
  ])
  ws.addRow([]) // a blank row in between is skipped
  ws.addRow(['PRD-2', 'Plain', 0, false])
  ws.getCell('E2').numFmt = 'yyyy-mm-dd'
  ws.getCell('F2').numFmt = 'yyyy-mm-dd hh:mm:ss'
}

describe('XLSX', () => {
  it('reads the sheet named, with its sheets listed in tab order', async () => {
    const file = await workbook('products.xlsx', products)
    const source = await openFileSource(file, { sheet: 'Products' })
    expect(await source.describe()).toEqual({
      format: 'xlsx',
      columns: [
        'productnumber',
        'name',
        'price',
        'active',
        'launched',
        'updated',
        'total',
        'label',
        'site',
        'notes'
      ],
      sheet: 'Products',
      sheets: ['Notes', 'Products']
    })
    const rows = await readAll(file, { sheet: 'products' }) // names match without case, as in Excel
    expect(rows.map((r) => [r.row, r.location])).toEqual([
      [1, "sheet 'Products' row 2"],
      [2, "sheet 'Products' row 4"]
    ])
    expect(rows[0]!.values).toEqual({
      productnumber: 'PRD-1',
      name: 'O\'Brien "Tea"',
      price: 4.25,
      active: true,
      launched: '2024-03-05', // a date without time of day
      updated: '2024-03-05T14:30:15', // wall-clock, no zone: the mapper applies the profile's
      total: 8.5, // the formula's cached result
      label: 'Zoë 東京 😀',
      site: 'our site',
      notes: null
    })
    expect(rows[1]!.values).toMatchObject({
      productnumber: 'PRD-2',
      price: 0,
      active: false,
      launched: null
    })
    expect(rows.every((r) => !r.error)).toBe(true)
  })

  it('reads the first sheet in tab order by default, whatever its number inside the file', async () => {
    const file = await workbook('order.xlsx', (wb) => {
      wb.addWorksheet('Created first').addRow(['a'])
      const second = wb.addWorksheet('Tab first') // sheet2.xml, moved to the first tab
      second.addRow(['b'])
      second.addRow(['from the first tab'])
      // orderNo is the tab position exceljs writes (not in its typings)
      ;(second as unknown as { orderNo: number }).orderNo = -1
    })
    expect(await (await openFileSource(file)).describe()).toMatchObject({
      sheet: 'Tab first',
      sheets: ['Tab first', 'Created first']
    })
    expect((await readAll(file)).map((r) => r.values)).toEqual([{ b: 'from the first tab' }])
  })

  it('an empty first sheet still lists the sheets to choose from', async () => {
    const file = await workbook('cover.xlsx', (wb) => {
      wb.addWorksheet('Cover')
      wb.addWorksheet('Data').addRow(['id'])
    })
    expect(await (await openFileSource(file)).describe()).toEqual({
      format: 'xlsx',
      columns: [],
      sheet: 'Cover',
      sheets: ['Cover', 'Data']
    })
    expect(await readAll(file)).toEqual([])
  })

  it('a missing sheet fails the source and names the sheets there are', async () => {
    const file = await workbook('sheets.xlsx', products)
    const err = await sourceError(readAll(file, { sheet: 'Prices' }))
    expect(err.code).toBe('missing-sheet')
    expect(err.message).toBe(
      `${file}: there is no sheet 'Prices'; the workbook's sheets are 'Notes', 'Products': give one of these names.`
    )
  })

  it('names columns by letter without a header', async () => {
    const file = await workbook('noheader.xlsx', (wb) => {
      const ws = wb.addWorksheet('Data')
      ws.addRow(['PRD-1', 3])
      ws.addRow(['PRD-2', null, 'x'])
    })
    const source = await openFileSource(file, { hasHeader: false })
    expect((await source.describe()).columns).toEqual(['A', 'B'])
    expect((await readAll(file, { hasHeader: false })).map((r) => [r.location, r.values])).toEqual([
      ["sheet 'Data' row 1", { A: 'PRD-1', B: 3 }],
      ["sheet 'Data' row 2", { A: 'PRD-2', B: null, C: 'x' }]
    ])
  })

  it('cells that hold an error, a formula without a result, or a value under no header are error rows', async () => {
    const file = await workbook('bad-cells.xlsx', (wb) => {
      const ws = wb.addWorksheet('Data')
      ws.addRow(['id', 'value'])
      ws.addRow(['ok', 1])
      ws.addRow(['err', { error: '#N/A' }])
      ws.addRow(['formula', { formula: 'B2*2' }])
      ws.addRow(['wide', 2, 'stray'])
      ws.addRow(['divzero', { formula: '1/0', result: { error: '#DIV/0!' } }])
    })
    const rows = await readAll(file)
    expect(rows.map((r) => [r.location, r.error ?? null])).toEqual([
      ["sheet 'Data' row 2", null],
      [
        "sheet 'Data' row 3",
        {
          code: 'cell-error',
          column: 'value',
          message: 'cell B3 holds the error #N/A: correct the cell or its formula.'
        }
      ],
      [
        "sheet 'Data' row 4",
        {
          code: 'formula-without-result',
          column: 'value',
          message:
            'cell B4 has a formula whose result was never saved: open the file in Excel and save it, so the results are stored.'
        }
      ],
      [
        "sheet 'Data' row 5",
        {
          code: 'unnamed-column',
          column: 'C',
          message:
            'cell C5 has a value but column C has no header: give the column a name, or clear the cell.'
        }
      ],
      [
        "sheet 'Data' row 6",
        {
          code: 'cell-error',
          column: 'value',
          message: 'cell B6 holds the error #DIV/0!: correct the cell or its formula.'
        }
      ]
    ])
  })

  it.each([
    [
      'an empty header cell between names',
      ['id', null, 'name'],
      'column B of the header has no name'
    ],
    [
      'a repeated header name',
      ['id', 'Name', 'NAME'],
      "the header name 'NAME' (column C) repeats 'Name' (column B)"
    ]
  ])('%s fails the source, naming the column', async (_, header, message) => {
    const file = await workbook(`header-${header.join('-')}.xlsx`, (wb) => {
      const ws = wb.addWorksheet('Data')
      ws.addRow(header)
      ws.addRow([1, 2, 3])
    })
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('bad-header')
    expect(err.place.location).toBe("sheet 'Data' row 1")
    expect(err.message).toContain(message)
  })

  it('reads a workbook as openpyxl and Excel lay it out: absolute part names, sheets stored before styles and strings', async () => {
    // Hand-written parts (see test/fixtures/sources/README.md): rels with absolute targets, the
    // tab order unlike the sheet numbers, a built-in date format (14), an inline string, a
    // formula with its cached result and one whose cached result is an error.
    const file = join(__dirname, '../../fixtures/sources/openpyxl-style-absolute-targets.xlsx')
    expect(await (await openFileSource(file)).describe()).toEqual({
      format: 'xlsx',
      columns: ['productnumber', 'price', 'active', 'launched', 'total'],
      sheet: 'Products',
      sheets: ['Products', 'Read me']
    })
    const rows = await readAll(file)
    expect(rows.map((r) => [r.location, r.values, r.error?.message])).toEqual([
      [
        "sheet 'Products' row 2",
        {
          productnumber: 'O\'Brien "Tea"',
          price: 12.5,
          active: true,
          launched: '2024-03-05',
          total: 25
        },
        undefined
      ],
      [
        "sheet 'Products' row 3",
        { productnumber: 'Zoë 東京', price: 3, active: false, launched: null, total: null },
        'cell E3 holds the error #DIV/0!: correct the cell or its formula.'
      ]
    ])
    expect((await readAll(file, { sheet: 'Read me', hasHeader: false }))[0]!.values).toEqual({
      A: 'Nothing to import here'
    })
  })

  it('tells dates from numbers by the number format, in both date systems', async () => {
    for (const date1904 of [false, true]) {
      const file = await workbook(`formats-${date1904}.xlsx`, (wb) => {
        wb.properties.date1904 = date1904
        const ws = wb.addWorksheet('Data')
        ws.addRow(['dmy', 'elapsed', 'metres', 'percent', 'time'])
        ws.addRow([
          new Date(Date.UTC(2024, 11, 31)),
          1.5,
          2.5,
          0.25,
          new Date(Date.UTC(2024, 0, 2, 8, 5))
        ])
        ws.getCell('A2').numFmt = '[$-409]dd/mm/yyyy'
        ws.getCell('B2').numFmt = '[h]:mm'
        ws.getCell('C2').numFmt = '0.00 "m"'
        ws.getCell('D2').numFmt = '0%'
        ws.getCell('E2').numFmt = 'hh:mm'
      })
      expect((await readAll(file))[0]!.values).toEqual({
        dmy: '2024-12-31',
        elapsed: 1.5,
        metres: 2.5,
        percent: 0.25,
        time: '2024-01-02T08:05:00'
      })
    }
  })

  it('a file that is not a workbook fails with advice', async () => {
    const file = files.write('fake.xlsx', 'id,name\n1,x\n')
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('unreadable-file')
    expect(err.message).toContain('this is not a readable XLSX workbook')
  })
})

describe('isDateFormat', () => {
  it.each([
    ['yyyy-mm-dd', true],
    ['[$-409]dd/mm/yyyy', true],
    ['d mmm yy h:mm AM/PM', true],
    ['hh:mm:ss', true],
    ['[Red]dd.mm.yyyy;@', true],
    ['[h]:mm', false], // elapsed time: a duration, not a date
    ['0.00 "m"', false],
    ['#,##0\\ "days"', false],
    ['0.0%', false],
    ['General', false],
    ['0.00E+00', false]
  ])('%s → %s', (code, expected) => {
    expect(isDateFormat(code)).toBe(expected)
  })
})
