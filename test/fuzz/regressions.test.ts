import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readBatch } from '../../src-main/dataverse/batch-format'
import { trackChanges } from '../../src-main/dataverse/change-tracking'
import { ProtocolError } from '../../src-main/dataverse/errors'
import { KeyValueError, keyLiteral } from '../../src-shared/odata/key-literal'
import type { Transport } from '../../src-main/dataverse/transport'
import { openFileSource, SourceError, type SourceRow } from '../../src-main/sources/index'
import { convertValue } from '../../src-main/sync/convert'
import type { ColumnInfo } from '../../src-shared/model/metadata'
import { dvsync } from '../support/fuzz-cli'
import { workbookParts, xlsxBytes, type XlsxCell } from '../support/fuzz-zip'

/**
 * The defects the fuzzers found (SECURITY.md, "Defects found"), each as the smallest input that
 * showed it: fixed in the product, and kept here so the fix stays whatever the seed of a run.
 */

const dir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-regressions-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function readSheet(rows: XlsxCell[][]): Promise<SourceRow[] | SourceError> {
  const { parts, sheetXml } = workbookParts({ header: ['a', 'b'], rows })
  const file = join(dir, `r${Math.random().toString(36).slice(2)}.xlsx`)
  writeFileSync(file, xlsxBytes(parts, sheetXml))
  const out: SourceRow[] = []
  try {
    for await (const row of (await openFileSource(file)).rows()) out.push(row)
    return out
  } catch (err) {
    if (err instanceof SourceError) return err
    throw err
  }
}

const raw = (xml: string): XlsxCell => ({ kind: 'raw', xml })
const one: XlsxCell = { kind: 'number', value: 1 }

describe('xlsx', () => {
  it('a cell reference past XFD fails the source at once instead of building a row of 3e8 cells', async () => {
    const started = Date.now()
    const result = await readSheet([
      [one, raw('<c r="ZZZZZZ2" t="inlineStr"><is><t>x</t></is></c>')]
    ])
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result).toBeInstanceOf(SourceError)
    expect((result as SourceError).code).toBe('unreadable-file')
    expect((result as SourceError).message).toMatch(
      /the cell reference 'ZZZZZZ2' in row 2 is outside Excel's columns A–XFD/
    )
  })

  it('a cell reference without column letters is a damaged file, not a cell put nowhere', async () => {
    const result = await readSheet([[one, raw('<c r="92"><v>5</v></c>')]])
    expect((result as SourceError).code).toBe('unreadable-file')
  })

  it('a row numbered outside 1–1,048,576 is a damaged file', async () => {
    const { parts, sheetXml } = workbookParts({ header: ['a'], rows: [[one]] })
    const file = join(dir, 'rows.xlsx')
    writeFileSync(file, xlsxBytes(parts, sheetXml.replace('<row r="2">', '<row r="abc">')))
    const source = await openFileSource(file)
    const error = await (async () => {
      for await (const _ of source.rows()) {
        // reading until it fails
      }
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(SourceError)
    expect((error as SourceError).message).toMatch(/a row is numbered 'abc'/)
  })

  it('a date-formatted cell that is no date is an error row, not a RangeError', async () => {
    const result = (await readSheet([
      [one, raw('<c r="B2" s="1"><v>1e308</v></c>')],
      [one, one]
    ])) as SourceRow[]
    expect(result).toHaveLength(2)
    expect(result[0]!.error).toMatchObject({ code: 'cell-error', column: 'b' })
    expect(result[0]!.error!.message).toMatch(/cell B2 is formatted as a date but its value 1e308/)
    expect(result[1]!.error).toBeUndefined()
  })

  it('a number cell that holds no number is an error row, not NaN (null once serialised)', async () => {
    const result = (await readSheet([[one, raw('<c r="B2"><v>abc</v></c>')]])) as SourceRow[]
    expect(result[0]!.error).toMatchObject({ code: 'cell-error', column: 'b' })
    expect(result[0]!.error!.message).toMatch(/cell B2 should hold a number but holds 'abc'/)
  })
})

describe('$batch responses', () => {
  it('a change set inside a change set is a ProtocolError, not seconds of copying and a stack overflow', () => {
    let body = 'Content-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'
    for (let i = 8000; i > 0; i--)
      body = `Content-Type: multipart/mixed; boundary=b${i}x\r\n\r\n--b${i}x\r\n${body}\r\n--b${i}x--\r\n`
    const started = Date.now()
    expect(() => readBatch('multipart/mixed; boundary=b0', `--b0\r\n${body}--b0--\r\n`)).toThrow(
      new ProtocolError(
        'The $batch response has a change set inside a change set, which OData does not allow; it was not read.'
      )
    )
    expect(Date.now() - started).toBeLessThan(1000)
    // One level, as Dataverse answers a change set, still reads.
    const one = readBatch(
      'multipart/mixed; boundary=b0',
      '--b0\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n--cs\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n\r\n--cs--\r\n--b0--\r\n'
    )
    expect(one).toEqual([{ status: 204, headers: {}, body: '' }])
  })
})

describe('change tracking', () => {
  const ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2/'
  const GUID = '49b0be2e-d01c-ed11-b83e-000d3a572421'
  async function read(rows: Record<string, unknown>[]): Promise<unknown> {
    const transport = {
      origin: 'https://contoso.crm.dynamics.com',
      // Links of this environment are followed as they are (the real one refuses other hosts).
      resolve: (link: string) => link,
      send: async () => ({
        status: 200,
        headers: new Headers({ 'content-type': 'application/json' }),
        text: JSON.stringify({ value: rows, '@odata.deltaLink': `${ROOT}accounts?$deltatoken=1` })
      })
    } as unknown as Transport
    const pages = trackChanges(transport, {
      entitySet: 'accounts',
      primaryId: 'accountid',
      select: ['name'],
      deltaLink: `${ROOT}accounts?$deltatoken=0`
    })
    return (await pages.next()).value
  }

  it('an id that only contains a GUID never reaches the mirror (nor URLs and $batch bodies later)', async () => {
    for (const id of [`${GUID}/../../WhoAmI`, `x${GUID}`, `${GUID}) HTTP/1.1\r\nX-Injected: 1`]) {
      await expect(read([{ accountid: id, name: 'x' }])).rejects.toThrow(
        new ProtocolError("A accounts row in the changes has no 'accountid'.")
      )
      await expect(
        read([{ '@odata.context': `${ROOT}$metadata#accounts/$deletedEntity`, id }])
      ).rejects.toThrow(new ProtocolError('A deleted accounts entry has no id.'))
    }
    // The @removed form names the record by its URL: the GUID in it is the id.
    await expect(
      read([{ '@removed': { reason: 'deleted' }, '@id': `${ROOT}accounts(${GUID})` }])
    ).resolves.toMatchObject({ changes: [{ kind: 'deleted', id: GUID }] })
  })
})

describe('key literals', () => {
  it('a value whose toString is no function is refused with a KeyValueError, not a TypeError', () => {
    const hostile = { toString: 0 } as unknown
    for (const type of [
      'Integer',
      'Picklist',
      'Decimal',
      'Uniqueidentifier',
      'DateTime',
      'Boolean'
    ] as const)
      expect(() => keyLiteral({ logicalName: 'x', type }, hostile), type).toThrow(KeyValueError)
    // And a value's text in the message stays short.
    expect(() => keyLiteral({ logicalName: 'x', type: 'Integer' }, 'x'.repeat(5000))).toThrow(
      /got 'x{80}…'/
    )
  })
})

describe('dvsync profile import and plan', () => {
  const dataDir = join(dir, 'cli-data')
  const file = (name: string, content: string): string => {
    const path = join(dir, name)
    writeFileSync(path, content)
    return path
  }
  const profile = (settings: string): string =>
    `{"version":1,"name":"p","kind":"push","table":"account","settings":${settings}}`

  it('settings nested 20,000 deep are refused (exit 2), not a stack overflow (exit 70)', async () => {
    await dvsync(dataDir, [
      'env',
      'add',
      'prod',
      '--url',
      'https://contoso.crm.dynamics.com',
      '--auth',
      'env-token'
    ])
    const deep = file(
      'deep.json',
      profile(`{"environment":"prod","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)
    )
    const run = await dvsync(dataDir, ['profile', 'import', deep])
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toBe(
      `dvsync: ${deep} is not a profile file: settings nests more than 32 levels deep\n`
    )
  })

  it('a profile saved with a byte-order mark (Notepad) imports', async () => {
    const bom = file('bom.json', `\uFEFF${profile('{"environment":"prod"}')}`)
    const run = await dvsync(dataDir, ['profile', 'import', bom, '--name', 'bom'])
    expect(run.code, run.stderr).toBe(0)
  })

  it('a source file that is missing, or a profile path that is no path, is exit 2 with the message, not 70 with a stack', async () => {
    const missing = join(dir, 'missing.csv')
    const run = await dvsync(dataDir, [
      'plan',
      '--env',
      'prod',
      '--table',
      'account',
      '--source',
      missing
    ])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe(
      `dvsync: ${missing}: the file does not exist: check the path and the name.\n`
    )
    const odd = file('odd.json', profile('{"environment":"prod","source":{"file":[]}}'))
    expect((await dvsync(dataDir, ['profile', 'import', odd, '--name', 'odd'])).code).toBe(0)
    const used = await dvsync(dataDir, ['plan', '--profile', 'odd'])
    expect(used.code).toBe(2)
    expect(used.stderr).toBe("dvsync: The profile's source file is not a path ([]).\n")
  })
})

describe('values and encodings (issue 19, items 5, 6 and 12)', () => {
  const money: ColumnInfo = {
    logicalName: 'price',
    displayName: 'Price',
    type: 'Money',
    isPrimaryId: false,
    isPrimaryName: false,
    validForCreate: true,
    validForUpdate: true,
    validForRead: true,
    requiredLevel: 'None'
  }
  const convert = (raw: string, decimalSeparator: '.' | ',', column = money): unknown =>
    convertValue(column, raw, { timeZone: 'UTC', decimalSeparator })

  it('1e309 and -1e400 are row errors, not ±Infinity written as null (the column cleared)', () => {
    expect(() => convert('1e309', '.')).toThrow(/'1e309' is too large to be a number/)
    expect(() => convert('-1e400', ',')).toThrow(/'-1e400' is too large to be a number/)
  })

  it('under a decimal comma, 12.50 and 1.2.3 are row errors, not 1250 and 123', () => {
    expect(() => convert('12.50', ',')).toThrow(
      /'12\.50' is not a number written with a decimal comma/
    )
    expect(() => convert('1.2.3', ',')).toThrow(/'1\.2\.3' is not a number/)
    expect(convert('1.234,5', ',')).toBe(1234.5)
  })

  it('T99:99:99 and 2026-02-30 are refused, not rolled over; year 0000 is not 1900', () => {
    const date = { ...money, logicalName: 'on', type: 'DateTime' as const }
    expect(() => convert('2026-01-01T99:99:99', '.', date)).toThrow(/no such time of day/)
    expect(() => convert('2026-02-30', '.', { ...date, dateOnly: true })).toThrow(/28 days/)
    expect(() => convert('0000-01-01T00:00:00Z', '.', date)).toThrow(/outside 1753-01-01/)
  })

  it('a 12 MB unquoted field is "longer than 10,000,000 characters", not an unclosed quote', async () => {
    const file = join(dir, 'long.csv')
    writeFileSync(file, `a,b\n1,${'x'.repeat(12_000_000)}\n`)
    const err = await (async () => {
      try {
        for await (const row of (await openFileSource(file)).rows()) void row
      } catch (e) {
        return e as SourceError
      }
      return undefined
    })()
    expect(err?.code).toBe('record-too-long')
    expect(err?.message).toMatch(/line 2: the line is longer than 10,000,000 characters/)
  })

  it('a Shift-JIS file read as windows-1252 is said to be, with a warning', async () => {
    const file = join(dir, 'sjis.csv')
    // "a / テスト東京,日本語" in Shift-JIS.
    writeFileSync(file, Buffer.from('610d0a836583588367938c8b9e2c93fa967b8cea0d0a', 'hex'))
    const description = await (await openFileSource(file)).describe()
    expect(description).toMatchObject({ encoding: 'windows-1252', encodingBasis: 'not UTF-8' })
    expect(description.warnings?.join(' ')).toMatch(/Shift-JIS/)
  })
})
