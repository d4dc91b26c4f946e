import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeSource, openFileSource } from '../../../src-main/sources/index'
import { cp1252 } from './cp1252'
import { readAll, tempFiles } from './temp-files'

/**
 * Issue 19 item 12: a Shift-JIS file, or a UTF-8 file with a damaged byte, was read silently as
 * windows-1252. The description now says which encoding was used and why, and warns when the
 * bytes do not fit it; European windows-1252 files get no warning.
 */
const files = tempFiles()
const fixture = (name: string): string => join(__dirname, '../../fixtures/sources', name)

/** "Name,City / テスト,日本語 / こんにちは,東京 / カタカナ,大阪" in Shift-JIS. */
const SHIFT_JIS = Buffer.concat([
  Buffer.from('Name,City\r\n'),
  Buffer.from([0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0x2c, 0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]),
  Buffer.from('\r\n'),
  Buffer.from([0x82, 0xb1, 0x82, 0xf1, 0x82, 0xc9, 0x82, 0xbf, 0x82, 0xcd, 0x2c]),
  Buffer.from([0x93, 0x8c, 0x8b, 0x9e]),
  Buffer.from('\r\n'),
  Buffer.from([0x83, 0x4a, 0x83, 0x5e, 0x83, 0x4a, 0x83, 0x69, 0x2c, 0x91, 0xe5, 0x8d, 0xe3]),
  Buffer.from('\r\n')
])

describe('encoding: which one, why, and whether the bytes fit it', () => {
  it('the Shift-JIS bytes in these tests are Shift-JIS', () => {
    expect(new TextDecoder('shift_jis').decode(SHIFT_JIS)).toBe(
      'Name,City\r\nテスト,日本語\r\nこんにちは,東京\r\nカタカナ,大阪\r\n'
    )
  })

  it('a Shift-JIS file is read as windows-1252, and says so with a warning naming Shift-JIS', async () => {
    const file = files.write('japanese.csv', SHIFT_JIS)
    const description = await (await openFileSource(file)).describe()
    expect(description).toMatchObject({ encoding: 'windows-1252', encodingBasis: 'not UTF-8' })
    expect(description.warnings).toEqual([
      expect.stringMatching(
        /does not look like windows-1252 but reads without an error as Shift-JIS \(Japanese\) \(--encoding shift_jis\)/
      )
    ])
    const lines = describeSource(file, description)
    expect(lines[0]).toBe(
      `Reading ${file}: CSV, encoding windows-1252 (assumed, because its first non-ASCII bytes are not valid UTF-8), delimiter ',', 2 columns.`
    )
    expect(lines[1]).toMatch(/^Warning: .*japanese\.csv: the text does not look like windows-1252/)
  })

  it('given shift_jis, the same file reads right and nothing is doubted', async () => {
    const file = files.write('japanese-given.csv', SHIFT_JIS)
    const source = await openFileSource(file, { encoding: 'shift_jis' })
    const description = await source.describe()
    expect(description).toMatchObject({ encoding: 'shift_jis', encodingBasis: 'given' })
    expect(description.warnings).toBeUndefined()
    expect((await readAll(file, { encoding: 'shift_jis' }))[0]!.values).toEqual({
      Name: 'テスト',
      City: '日本語'
    })
  })

  it('a UTF-8 file whose first non-ASCII byte is damaged: windows-1252 assumed, and the warning says it is mostly UTF-8', async () => {
    const file = files.write(
      'damaged-utf8.csv',
      Buffer.concat([
        Buffer.from('Name\nJos'),
        Buffer.from([0xe9]), // a windows-1252 é in a UTF-8 file
        Buffer.from('\nMüller\nCrème brûlée\n')
      ])
    )
    const description = await (await openFileSource(file)).describe()
    expect(description).toMatchObject({ encoding: 'windows-1252', encodingBasis: 'not UTF-8' })
    expect(description.warnings).toEqual([
      expect.stringMatching(
        /the file is mostly UTF-8 \(from line 3\) but byte 0xE9 on line 2 is not, so windows-1252 was assumed and every 'é' written as UTF-8 reads as 'Ã©'/
      )
    ])
  })

  it('bytes windows-1252 does not define (0x81 0x8D 0x8F 0x90 0x9D) are named with their line', async () => {
    const file = files.write(
      'undefined-bytes.csv',
      Buffer.concat([Buffer.from('a,b\nx,'), Buffer.from([0xe9, 0x8d]), Buffer.from(' y\n')])
    )
    const description = await (await openFileSource(file)).describe()
    expect(description.warnings).toEqual([
      expect.stringMatching(
        /the file holds 0x8D \(first on line 2\), which are not characters in windows-1252: the file is in another encoding; give the file's encoding \(dvsync: --encoding <name>/
      )
    ])
  })

  it('windows-1252 given for a UTF-8 file: warned that the text is valid UTF-8', async () => {
    const file = files.write('utf8-as-1252.csv', 'Name\nMüller\nCrème brûlée\n')
    const description = await (await openFileSource(file, { encoding: 'windows-1252' })).describe()
    expect(description).toMatchObject({ encoding: 'windows-1252', encodingBasis: 'given' })
    expect(description.warnings).toEqual([
      expect.stringMatching(/the text is valid UTF-8 \(from line 2\).*'é' becomes 'Ã©'/)
    ])
  })

  it('real European files get no warning: Excel’s windows-1252 CSV, UTF-8, a BOM, plain ASCII', async () => {
    const excel = await (
      await openFileSource(fixture('excel-csv-semicolon-windows-1252.csv'))
    ).describe()
    expect(excel).toMatchObject({ encoding: 'windows-1252', encodingBasis: 'not UTF-8' })
    expect(excel.warnings).toBeUndefined()
    const text =
      'Name;Stadt;Notiz\nMüller;Köln;„Größe“ – 5 €\nJoão;São Paulo;ação, informações\nŒuvre;Zürich;naïve café’s\n'
    const cases = [
      [files.write('european-1252.csv', cp1252Safe(text)), 'not UTF-8'],
      [files.write('european-utf8.csv', text), 'valid UTF-8'],
      [files.write('european-bom.csv', `\uFEFF${text}`), 'byte-order mark'],
      [files.write('ascii.csv', 'a,b\n1,2\n'), 'ASCII so far']
    ] as const
    for (const [file, basis] of cases) {
      const description = await (await openFileSource(file)).describe()
      expect(description.encodingBasis).toBe(basis)
      expect(description.warnings).toBeUndefined()
    }
  })

  it('JSON and NDJSON say it too', async () => {
    const json = files.write(
      'japanese.json',
      Buffer.concat([Buffer.from('[{"n":"'), SHIFT_JIS.subarray(11, 24), Buffer.from('"}]')])
    )
    const description = await (await openFileSource(json)).describe()
    expect(description).toMatchObject({
      format: 'json',
      encoding: 'windows-1252',
      encodingBasis: 'not UTF-8'
    })
    expect(description.warnings?.[0]).toMatch(/Shift-JIS/)
  })
})

/** cp1252() knows only the characters other tests use; these add Œ. */
function cp1252Safe(text: string): Buffer {
  return Buffer.concat([...text].map((c) => (c === 'Œ' ? Buffer.from([0x8c]) : cp1252(c))))
}
