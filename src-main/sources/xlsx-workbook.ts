import { posix } from 'node:path'
import { readXml } from './xml'
import type { Zip } from './zip'

/**
 * What a sheet needs from the rest of the workbook (ECMA-376 part 1, SpreadsheetML): the sheets in
 * tab order and their parts, the date system, which cell styles show dates, and the shared strings
 * (the text of every string cell, which the format keeps apart from the sheets — the one part of
 * a workbook that must be held in memory to read a sheet).
 */
export interface Workbook {
  /** `worksheet` is false for chart and dialog sheets, which have no cells. */
  sheets: { name: string; part: string | undefined; worksheet: boolean }[]
  date1904: boolean
  /** By cell style index (the `s` of a cell): whether its number format shows a date or time. */
  dateStyles: boolean[]
  sharedStrings: string[]
}

interface Relationship {
  type: string
  target: string
}

export async function readWorkbook(zip: Zip): Promise<Workbook> {
  const root = await relationships(zip, '')
  const workbookPart =
    [...root.values()].find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml'
  const rels = await relationships(zip, workbookPart)
  const partOf = (type: string) =>
    [...rels.values()].find((r) => r.type.endsWith(`/${type}`))?.target

  const sheets: Workbook['sheets'] = []
  let date1904 = false
  await readXml(await zip.open(workbookPart), {
    open(name, attributes) {
      if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attributes.date1904 ?? '')
      if (name === 'sheet' && attributes.name !== undefined) {
        const rel = rels.get(attributes.id ?? '')
        sheets.push({
          name: attributes.name,
          part: rel?.target,
          worksheet: rel?.type.endsWith('/worksheet') ?? false
        })
      }
    }
  })
  const styles = partOf('styles')
  const strings = partOf('sharedStrings')
  return {
    sheets,
    date1904,
    dateStyles: styles && zip.has(styles) ? await readDateStyles(zip, styles) : [],
    sharedStrings: strings && zip.has(strings) ? await readSharedStrings(zip, strings) : []
  }
}

/** A part's relationships by id, targets resolved to part names ('/xl/x.xml' and 'x.xml' alike). */
async function relationships(zip: Zip, part: string): Promise<Map<string, Relationship>> {
  const dir = posix.dirname(part)
  const relsPart = posix.join(dir, '_rels', `${posix.basename(part)}.rels`)
  const out = new Map<string, Relationship>()
  if (!zip.has(relsPart)) return out
  await readXml(await zip.open(relsPart), {
    open(name, a) {
      if (name !== 'Relationship' || !a.Id || !a.Target || a.TargetMode === 'External') return
      const target = a.Target.startsWith('/') ? a.Target.slice(1) : posix.join(dir, a.Target)
      out.set(a.Id, { type: a.Type ?? '', target: posix.normalize(target) })
    }
  })
  return out
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, with the CJK ones). */
const BUILT_IN_DATES = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51,
  52, 53, 54, 55, 56, 57, 58
])

async function readDateStyles(zip: Zip, part: string): Promise<boolean[]> {
  const custom = new Map<number, string>()
  const formats: number[] = []
  // Only <numFmts> declares formats and only <cellXfs> styles cells (dxfs and cellStyleXfs hold
  // numFmt and xf elements too).
  let within = ''
  await readXml(await zip.open(part), {
    open(name, a) {
      if (name === 'numFmts' || name === 'cellXfs') within = name
      else if (name === 'numFmt' && within === 'numFmts')
        custom.set(Number(a.numFmtId), a.formatCode ?? '')
      else if (name === 'xf' && within === 'cellXfs') formats.push(Number(a.numFmtId ?? 0))
    },
    close(name) {
      if (name === within) within = ''
    }
  })
  return formats.map((id) => {
    const code = custom.get(id)
    return code === undefined ? BUILT_IN_DATES.has(id) : isDateFormat(code)
  })
}

/**
 * A custom format shows a date when, outside quoted text, escapes and [brackets], it has a day,
 * month, year, hour or second token. Elapsed times ([h]:mm) are durations, not dates: numbers.
 */
export function isDateFormat(code: string): boolean {
  if (/\[(h+|m+|s+)\]/i.test(code)) return false
  const bare = code
    .split(';')[0]!
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '')
  return /[dmyhs]/i.test(bare) && !/^general$/i.test(bare.trim())
}

/** Every <si> as plain text: rich-text runs joined, phonetic guides (<rPh>) left out. */
async function readSharedStrings(zip: Zip, part: string): Promise<string[]> {
  const strings: string[] = []
  let current = ''
  let inText = false
  let inPhonetic = false
  await readXml(await zip.open(part), {
    open(name) {
      if (name === 'si') current = ''
      else if (name === 'rPh') inPhonetic = true
      else if (name === 't' && !inPhonetic) inText = true
    },
    text(text) {
      if (inText) current += text
    },
    close(name) {
      if (name === 't') inText = false
      else if (name === 'rPh') inPhonetic = false
      else if (name === 'si') strings.push(current)
    }
  })
  return strings
}
