import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openFileSource } from '../../../src-main/sources/index'
import { cp1252 } from './cp1252'
import { readAll, sourceError, tempFiles } from './temp-files'

const files = tempFiles()
const fixture = (name: string): string => join(__dirname, '../../fixtures/sources', name)
const values = async (file: string, options = {}) =>
  (await readAll(file, options)).map((r) => r.values)

describe('CSV: real files as Excel saves them', () => {
  it('reads Excel\'s "CSV (semicolon)" in windows-1252: encoding and delimiter detected, quotes and line breaks kept', async () => {
    const file = fixture('excel-csv-semicolon-windows-1252.csv')
    const source = await openFileSource(file)
    expect(await source.describe()).toEqual({
      format: 'csv',
      columns: ['Produktnummer', 'Name', 'Preis', 'Beschreibung'],
      encoding: 'windows-1252',
      encodingBasis: 'not UTF-8',
      delimiter: ';'
    })
    const rows = await readAll(file)
    expect(rows.map((r) => [r.row, r.location])).toEqual([
      [1, 'line 2'],
      [2, 'line 3'],
      [3, 'line 4'],
      [4, 'line 6'] // line 4's quoted field spans two lines
    ])
    expect(rows.map((r) => r.values)).toEqual([
      {
        Produktnummer: 'PRD-0001',
        Name: 'Müller Kaffee',
        Preis: '12,50',
        Beschreibung: 'Röstung "dunkel"; 500 g'
      },
      {
        Produktnummer: 'PRD-0002',
        Name: 'Crème brûlée',
        Preis: '3,99',
        Beschreibung: 'Dessert – 2 Stück'
      },
      {
        Produktnummer: 'PRD-0003',
        Name: "O'Brien's Tea",
        Preis: '4,20',
        Beschreibung: 'Zeile 1\r\nZeile 2'
      },
      { Produktnummer: 'PRD-0004', Name: 'Ålesund Fisk', Preis: '€ 7,00', Beschreibung: '' }
    ])
    expect(rows.every((r) => r.error === undefined)).toBe(true)
  })

  it('reads Excel\'s "CSV UTF-8": the BOM is dropped, not glued to the first column name', async () => {
    const file = fixture('excel-csv-utf8-bom.csv')
    const description = await (await openFileSource(file)).describe()
    expect(description).toMatchObject({ encoding: 'utf-8', delimiter: ',' })
    expect(description.columns[0]).toBe('productnumber')
    expect(await values(file)).toEqual([
      {
        productnumber: 'PRD-0001',
        name: "Zoë's Café",
        price: '12.50',
        notes: 'Line 1, with comma'
      },
      { productnumber: 'PRD-0002', name: '東京タワー', price: '3.99', notes: '😀 emoji' },
      { productnumber: 'PRD-0003', name: 'O\'Brien "The Great"', price: '4.20', notes: '' }
    ])
  })

  it('reads Excel\'s "Unicode Text": UTF-16 LE by its BOM, tab-delimited, as a .txt', async () => {
    const file = fixture('excel-unicode-text-utf16le.txt')
    expect(await (await openFileSource(file)).describe()).toMatchObject({
      encoding: 'utf-16le',
      delimiter: '\t',
      columns: ['productnumber', 'name', 'price']
    })
    expect(await values(file)).toEqual([
      { productnumber: 'PRD-0001', name: 'Zoë', price: '1,5' },
      { productnumber: 'PRD-0002', name: 'Tab\tinside', price: '2' }
    ])
  })
})

describe('CSV: encodings', () => {
  it('reads UTF-16 BE by its BOM', async () => {
    const body = Buffer.from('a,b\n1,Ünïcødé\n', 'utf16le').swap16()
    const file = files.write('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), body]))
    expect((await (await openFileSource(file)).describe()).encoding).toBe('utf-16be')
    expect(await values(file)).toEqual([{ a: '1', b: 'Ünïcødé' }])
  })

  it('reads UTF-8 without a BOM', async () => {
    const file = files.write('plain.csv', 'name\nZoë\n')
    expect((await (await openFileSource(file)).describe()).encoding).toBe('utf-8')
    expect(await values(file)).toEqual([{ name: 'Zoë' }])
  })

  it('falls back to windows-1252 even when the first accent comes after 64 KB of ASCII', async () => {
    const ascii = Array.from({ length: 5000 }, (_, i) => `PRD-${i},plain ascii row`).join('\n')
    const file = files.write(
      'late.csv',
      Buffer.concat([Buffer.from(`id,name\n${ascii}\n`), cp1252('X,Müller\n')])
    )
    const rows = await readAll(file)
    expect(rows).toHaveLength(5001)
    expect(rows.at(-1)!.values).toEqual({ id: 'X', name: 'Müller' })
  })

  it('uses the encoding it is given (a label such as latin1 names windows-1252)', async () => {
    const file = files.write('given.csv', cp1252('a\nçà\n'))
    const source = await openFileSource(file, { encoding: 'latin1' })
    expect((await source.describe()).encoding).toBe('windows-1252')
    expect(await values(file, { encoding: 'latin1' })).toEqual([{ a: 'çà' }])
  })

  it('fails on bytes that are not valid in the encoding, naming the line and the byte', async () => {
    const file = files.write(
      'mixed.csv',
      Buffer.concat([Buffer.from('a,b\n1,Zoë\n2,x\n'), cp1252('3,Müller\n')])
    )
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('unreadable-encoding')
    expect(err.place).toMatchObject({ line: 4, location: 'line 4' })
    expect(err.message).toContain('mixed.csv line 4: the text is not valid utf-8 (byte 0xFC)')
    expect(err.message).toContain("'windows-1252'")
  })

  it('fails with an option error on an unknown encoding label', async () => {
    const file = files.write('label.csv', 'a\n1\n')
    const err = await sourceError((await openFileSource(file, { encoding: 'klingon' })).describe())
    expect(err.code).toBe('bad-option')
    expect(err.message).toContain("'klingon' is not an encoding name")
  })

  it('refuses UTF-16 without a BOM rather than reading NULs', async () => {
    const file = files.write('nobom16.csv', Buffer.from('a,b\n1,2\n', 'utf16le'))
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('unreadable-encoding')
    expect(err.message).toContain('UTF-16 without a byte-order mark')
  })
})

describe('CSV: delimiters', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n'],
    [';', 'a;b;c\n1,5;2,5;3\n'],
    ['\t', 'a\tb\tc\n1\t2\t3\n'],
    ['|', 'a|b|c\n1|2|3\n']
  ])('detects %j', async (delimiter, text) => {
    const file = files.write(`delim-${text.length}-${delimiter.charCodeAt(0)}.csv`, text)
    expect((await (await openFileSource(file)).describe()).delimiter).toBe(delimiter)
    expect(Object.keys((await readAll(file))[0]!.values)).toEqual(['a', 'b', 'c'])
  })

  it('takes the delimiter it is given over the detected one, and .tsv means tab', async () => {
    const file = files.write('given-delim.csv', 'a;b,c\n1;2,3\n')
    expect(await values(file, { delimiter: ',' })).toEqual([{ 'a;b': '1;2', c: '3' }])
    const tsv = files.write('data.tsv', 'a,b\tc\n1,2\t3\n')
    expect(await values(tsv)).toEqual([{ 'a,b': '1,2', c: '3' }])
  })

  it('reads a one-column file', async () => {
    const file = files.write('one.csv', 'name\nAda\nGrace\n')
    expect(await values(file)).toEqual([{ name: 'Ada' }, { name: 'Grace' }])
  })

  it('refuses a quote or a line break as delimiter', async () => {
    const file = files.write('bad-delim.csv', 'a\n1\n')
    const err = await sourceError(readAll(file, { delimiter: '"' }))
    expect(err.code).toBe('bad-option')
  })
})

describe('CSV: rows, lines and headers', () => {
  it('counts lines across CRLF, LF and CR, quoted line breaks and blank lines', async () => {
    const file = files.write('lines.csv', 'a,b\r\n1,2\r\n\r\n"x\r\ny",3\n4,5\n\n6,"p\nq\nr"\r7,8')
    const rows = await readAll(file)
    expect(rows.map((r) => [r.row, r.location, r.values.a])).toEqual([
      [1, 'line 2', '1'],
      [2, 'line 4', 'x\r\ny'],
      [3, 'line 6', '4'],
      [4, 'line 8', '6'],
      [5, 'line 11', '7']
    ])
  })

  it("keeps quotes inside unquoted fields as written, and O'Brien as is", async () => {
    const file = files.write(
      'quotes.csv',
      'name,size\nO\'Brien,5" screen\n"She said ""hi""",\'x\'\n'
    )
    expect(await values(file)).toEqual([
      { name: "O'Brien", size: '5" screen' },
      { name: 'She said "hi"', size: "'x'" }
    ])
  })

  it('names columns column1… when the file has no header', async () => {
    const file = files.write('noheader.csv', 'PRD-1,Ada\nPRD-2,Grace\n')
    const source = await openFileSource(file, { hasHeader: false })
    expect((await source.describe()).columns).toEqual(['column1', 'column2'])
    expect((await readAll(file, { hasHeader: false })).map((r) => [r.location, r.values])).toEqual([
      ['line 1', { column1: 'PRD-1', column2: 'Ada' }],
      ['line 2', { column1: 'PRD-2', column2: 'Grace' }]
    ])
  })

  it('trims header names', async () => {
    const file = files.write('trim.csv', ' name , price\nA,1\n')
    expect(await values(file)).toEqual([{ name: 'A', price: '1' }])
  })

  it('an empty file has no columns and no rows', async () => {
    const file = files.write('empty.csv', '')
    expect((await (await openFileSource(file)).describe()).columns).toEqual([])
    expect(await readAll(file)).toEqual([])
  })
})

describe('CSV: errors', () => {
  it('a row with more fields than the header is an error row naming line and counts; the rest is read', async () => {
    const file = files.write('more.csv', 'name;price\nA;1\nB;2,5;extra\nC;3\n')
    const rows = await readAll(file)
    expect(rows.map((r) => r.values.name)).toEqual(['A', 'B', 'C'])
    expect(rows[1]).toMatchObject({ row: 2, location: 'line 3', error: { code: 'field-count' } })
    expect(rows[1]!.error!.message).toBe(
      'line 3 has 3 fields but the header has 2 (extra: ["extra"]): a value that contains the delimiter \';\' must be in double quotes.'
    )
    expect(rows[0]!.error).toBeUndefined()
    expect(rows[2]!.error).toBeUndefined()
  })

  it('a row with fewer fields is an error row too: values would shift under the wrong columns', async () => {
    const file = files.write('fewer.csv', 'a,b,c\n1,2\n')
    const [row] = await readAll(file)
    expect(row!.error).toEqual({
      code: 'field-count',
      message:
        'line 2 has 2 fields but the header has 3: add the missing fields (empty is fine) so that every value stays under its column.'
    })
  })

  it('an unclosed quote fails the source, naming the line it opened on', async () => {
    const file = files.write('unclosed.csv', 'a,b\n1,2\n\n3,"never closed\n4,5\n6,7\n')
    const source = await openFileSource(file)
    const seen: unknown[] = []
    const err = await sourceError(
      (async () => {
        for await (const row of source.rows()) seen.push(row.values)
      })()
    )
    expect(seen).toEqual([{ a: '1', b: '2' }])
    expect(err.code).toBe('unclosed-quote')
    expect(err.place).toMatchObject({ line: 4 })
    expect(err.message).toMatch(
      /unclosed\.csv line 4: a double quote opened on this line is never closed/
    )
  })

  // Issue 19 item 12: a 12 MB unquoted field was reported as a quote never closed.
  it('a line longer than the record limit says so, with the limit and the line, not "a quote is never closed"', async () => {
    const file = files.write('long-line.csv', `a,b\n1,2\n3,${'x'.repeat(12_000_000)}\n4,5\n`)
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('record-too-long')
    expect(err.place).toMatchObject({ line: 3 })
    expect(err.message).toMatch(
      /long-line\.csv line 3: the line is longer than 10,000,000 characters, the most one record may hold/
    )
    expect(err.message).not.toMatch(/quote/)
  })

  it('a quote left open over more than the record limit is still an unclosed quote, with the limit', async () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `${i},${'y'.repeat(60)}`).join('\r\n')
    const file = files.write('open-quote-long.csv', `a,b\r\n1,2\r\n3,"opened\r\n${lines}\r\n`)
    const err = await sourceError(readAll(file))
    expect(err.code).toBe('unclosed-quote')
    expect(err.place).toMatchObject({ line: 3 })
    expect(err.message).toMatch(
      /line 3: a double quote opened on this line is never closed \(the record runs on over the following lines for more than 10,000,000 characters/
    )
  })

  it.each([
    ['an empty header name', 'a,,c\n1,2,3\n', 'column 2 of the header has no name', 'column 2'],
    [
      'a repeated header name',
      'Name,price,name\n1,2,3\n',
      "the header name 'name' (column 3) repeats 'Name' (column 1)",
      'column 3'
    ]
  ])('%s fails the source, naming the column', async (_, text, message, column) => {
    const file = files.write(`header-${text.length}.csv`, text)
    const err = await sourceError((await openFileSource(file)).describe())
    expect(err.code).toBe('bad-header')
    expect(err.place).toMatchObject({ location: 'line 1', column })
    expect(err.message).toContain(message)
    await sourceError(readAll(file))
  })
})
