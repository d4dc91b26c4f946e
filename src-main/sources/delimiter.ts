/**
 * Which delimiter a CSV file uses, from its first records. The header decides which candidates
 * are possible at all — a ';' file of European prices ("12,50") has no ',' in its header — and the
 * data rows decide between the rest: the right delimiter splits every row into as many fields as
 * the header.
 */

export const DELIMITERS = [',', ';', '\t', '|'] as const
const RECORDS = 50

export function detectDelimiter(text: string, wholeFile: boolean): string {
  const records = countPerRecord(text)
  // The last record of a sample that stops mid-file may be cut short: don't let it vote.
  if (!wholeFile && records.length > 2) records.pop()
  const [header, ...rows] = records
  if (!header) return ','
  let best: { delimiter: string; score: number; fields: number } | undefined
  for (const [index, delimiter] of DELIMITERS.entries()) {
    const fields = header[index]!
    if (fields === 0) continue
    const score = rows.filter((counts) => counts[index] === fields).length
    if (!best || score > best.score || (score === best.score && fields > best.fields))
      best = { delimiter, score, fields }
  }
  return best?.delimiter ?? ','
}

/** For each record (quotes respected, so a quoted "a;b" or line break does not count). */
function countPerRecord(text: string): number[][] {
  const records: number[][] = []
  let counts = DELIMITERS.map(() => 0)
  let quoted = false
  let empty = true
  for (let i = 0; i < text.length && records.length < RECORDS; i++) {
    const char = text[i]!
    if (char === '"') quoted = !quoted
    else if (!quoted && (char === '\n' || char === '\r')) {
      if (!empty) records.push(counts)
      counts = DELIMITERS.map(() => 0)
      empty = true
      continue
    } else if (!quoted) {
      const index = (DELIMITERS as readonly string[]).indexOf(char)
      if (index >= 0) counts[index]! += 1
    }
    empty = false
  }
  if (!empty && records.length < RECORDS) records.push(counts)
  return records
}
