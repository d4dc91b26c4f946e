/**
 * The Prefer header (RFC 7240): preferences may come comma-joined in one header or as several
 * headers (reference §8.1); values may be quoted and contain commas
 * (`odata.include-annotations="a,b"`).
 */
export function parsePrefer(header: string | undefined): Map<string, string> {
  const prefs = new Map<string, string>()
  if (!header) return prefs
  let token = ''
  let quoted = false
  const flush = (): void => {
    const text = token.trim()
    token = ''
    if (!text) return
    const eq = text.indexOf('=')
    const name = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase()
    let value = eq < 0 ? '' : text.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1)
    prefs.set(name, value)
  }
  for (const ch of header) {
    if (ch === '"') quoted = !quoted
    if (ch === ',' && !quoted) flush()
    else token += ch
  }
  flush()
  return prefs
}

/** Page size from `odata.maxpagesize`, bounded by the service's 5,000 (reference §8.2). */
export function pageSizeOf(prefs: ReadonlyMap<string, string>): {
  size: number
  requested: boolean
} {
  const raw = prefs.get('odata.maxpagesize')
  const n = raw === undefined ? NaN : Number(raw)
  if (!Number.isInteger(n) || n <= 0) return { size: 5000, requested: false }
  return { size: Math.min(n, 5000), requested: true }
}
