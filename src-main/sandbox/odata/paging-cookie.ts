import { errors } from '../http/errors'

/**
 * The `$skiptoken` of a next link: a paging cookie shaped like Dataverse's
 * (`<cookie pagenumber="2" pagingcookie="…" istracking="False" />`, reference §8.2), carrying
 * where the previous page ended. Clients must treat it as opaque; only the sandbox reads it.
 */
export type Cursor =
  | { kind: 'query'; page: number; last: unknown[] }
  | {
      kind: 'tracking'
      page: number
      phase: 'rows' | 'deletes'
      from: number
      to: number
      last: number
    }

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const xmlUnescape = (s: string): string =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
const lowerHex = (s: string): string =>
  encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())

export function writeSkipToken(cursor: Cursor, sortColumns: readonly string[] = []): string {
  let inner: string
  if (cursor.kind === 'query') {
    const entries = cursor.last
      .map(
        (value, i) =>
          `<${sortColumns[i] ?? `c${i}`} last="${xmlEscape(JSON.stringify(value ?? null))}" />`
      )
      .join('')
    inner = `<cookie page="${cursor.page - 1}">${entries}</cookie>`
  } else {
    inner = `<cookie page="${cursor.page - 1}" phase="${cursor.phase}" from="${cursor.from}" to="${cursor.to}" last="${cursor.last}" />`
  }
  const tracking = cursor.kind === 'tracking' ? 'True' : 'False'
  return `<cookie pagenumber="${cursor.page}" pagingcookie="${lowerHex(inner)}" istracking="${tracking}" />`
}

export function readSkipToken(token: string): Cursor {
  const invalid = (): never => {
    throw errors.badRequest(
      'The $skiptoken value is not valid for this query. Follow @odata.nextLink exactly as returned.'
    )
  }
  const outer =
    /^<cookie pagenumber="(\d+)" pagingcookie="([^"]*)" istracking="(True|False)" \/>$/.exec(token)
  if (!outer) return invalid()
  let inner: string
  try {
    inner = decodeURIComponent(outer[2]!)
  } catch {
    return invalid()
  }
  const page = Number(outer[1])
  if (outer[3] === 'True') {
    const t =
      /^<cookie page="\d+" phase="(rows|deletes)" from="(\d+)" to="(\d+)" last="(\d+)" \/>$/.exec(
        inner
      )
    if (!t) return invalid()
    return {
      kind: 'tracking',
      page,
      phase: t[1] as 'rows' | 'deletes',
      from: Number(t[2]),
      to: Number(t[3]),
      last: Number(t[4])
    }
  }
  const body = /^<cookie page="\d+">(.*)<\/cookie>$/.exec(inner)
  if (!body) return invalid()
  const last: unknown[] = []
  const entry = /<[A-Za-z_][A-Za-z0-9_]* last="([^"]*)" \/>/g
  let consumed = 0
  for (let m = entry.exec(body[1]!); m; m = entry.exec(body[1]!)) {
    if (m.index !== consumed) return invalid()
    consumed = m.index + m[0].length
    try {
      last.push(JSON.parse(xmlUnescape(m[1]!)))
    } catch {
      return invalid()
    }
  }
  if (consumed !== body[1]!.length || last.length === 0) return invalid()
  return { kind: 'query', page, last }
}
