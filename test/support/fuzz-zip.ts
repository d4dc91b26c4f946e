import { crc32, deflateRawSync } from 'node:zlib'

/**
 * A minimal zip writer (PKWARE APPNOTE 4.3: local headers, central directory, end record;
 * deflate or stored) so the XLSX fuzzer can build workbooks part by part and mutate a part's XML
 * before zipping it. exceljs writes only well-formed workbooks, which is not what a fuzzer needs.
 */
export interface ZipPart {
  name: string
  data: string | Uint8Array
}

export function zip(parts: readonly ZipPart[], options: { deflate?: boolean } = {}): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const part of parts) {
    const name = Buffer.from(part.name, 'utf8')
    const raw = typeof part.data === 'string' ? Buffer.from(part.data, 'utf8') : part.data
    const deflate = options.deflate ?? true
    const stored = deflate ? deflateRawSync(raw) : Buffer.from(raw)
    const crc = crc32(raw)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(deflate ? 8 : 0, 8)
    local.writeUInt32LE(0, 10) // time, date
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(stored.length, 18)
    local.writeUInt32LE(raw.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4) // made by
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(deflate ? 8 : 0, 10)
    central.writeUInt32LE(0, 12)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(stored.length, 20)
    central.writeUInt32LE(raw.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, stored)
    centrals.push(central, name)
    offset += local.length + name.length + stored.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(parts.length, 8)
  end.writeUInt16LE(parts.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A cell as the fuzzer writes it: already the XML of one <c> minus its reference. */
export type XlsxCell =
  | { kind: 'shared'; text: string }
  | { kind: 'inline'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'date'; serial: number }
  | { kind: 'error'; code: string }
  | { kind: 'raw'; xml: string }

export interface XlsxSheet {
  header: string[]
  rows: XlsxCell[][]
}

export const columnLetter = (column: number): string => {
  let letters = ''
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters
  return letters
}

/**
 * The parts of a one-sheet workbook (ECMA-376 SpreadsheetML): style 1 is a date (numFmt 14),
 * header cells and 'shared' cells go through the shared strings. `sheetXml` may be replaced by
 * the caller (a mutated sheet) before zipping.
 */
export function workbookParts(sheet: XlsxSheet): { parts: ZipPart[]; sheetXml: string } {
  const shared: string[] = []
  const sharedIndex = (text: string): number => {
    const i = shared.indexOf(text)
    if (i >= 0) return i
    shared.push(text)
    return shared.length - 1
  }
  const cellXml = (cell: XlsxCell, ref: string): string => {
    switch (cell.kind) {
      case 'shared':
        return `<c r="${ref}" t="s"><v>${sharedIndex(cell.text)}</v></c>`
      case 'inline':
        return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${esc(cell.text)}</t></is></c>`
      case 'number':
        return `<c r="${ref}"><v>${cell.value}</v></c>`
      case 'boolean':
        return `<c r="${ref}" t="b"><v>${cell.value ? 1 : 0}</v></c>`
      case 'date':
        return `<c r="${ref}" s="1"><v>${cell.serial}</v></c>`
      case 'error':
        return `<c r="${ref}" t="e"><v>${esc(cell.code)}</v></c>`
      case 'raw':
        return cell.xml.replace('{ref}', ref)
    }
  }
  const rowXml = (cells: XlsxCell[], number: number): string =>
    `<row r="${number}">${cells.map((c, i) => cellXml(c, `${columnLetter(i + 1)}${number}`)).join('')}</row>`
  const sheetXml =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
    `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
    rowXml(
      sheet.header.map((text) => ({ kind: 'shared', text })),
      1
    ) +
    sheet.rows.map((cells, i) => rowXml(cells, i + 2)).join('') +
    `</sheetData></worksheet>`
  const ns = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
  const parts: ZipPart[] = [
    {
      name: '[Content_Types].xml',
      data:
        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${ns}/officeDocument" Target="xl/workbook.xml"/></Relationships>`
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${ns}"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data:
        `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
        `<Relationship Id="rId1" Type="${ns}/worksheet" Target="worksheets/sheet1.xml"/>` +
        `<Relationship Id="rId2" Type="${ns}/styles" Target="styles.xml"/>` +
        `<Relationship Id="rId3" Type="${ns}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
    },
    {
      name: 'xl/styles.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`
    }
  ]
  // Built after the sheet, which fills `shared`.
  parts.push({
    name: 'xl/sharedStrings.xml',
    data:
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">` +
      shared.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join('') +
      `</sst>`
  })
  return { parts, sheetXml }
}

/** The workbook's bytes with `sheetXml` (as given, or mutated) as its only sheet. */
export function xlsxBytes(parts: readonly ZipPart[], sheetXml: string | Uint8Array): Buffer {
  return zip([...parts, { name: 'xl/worksheets/sheet1.xml', data: sheetXml }])
}
