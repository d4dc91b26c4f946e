import { SourceError } from './errors'

/**
 * Header names become the columns the mapper matches by name, so they must be there and unique.
 * Names are trimmed (a stray space in a header is never meant); they are compared without case
 * because Dataverse column names are, so "Name" and "name" would map to the same column.
 */
export function checkHeader(
  cells: readonly string[],
  source: string,
  location: string,
  /** How the user finds column i (0-based) in this format: "column 3" or "column C". */
  columnLabel: (index: number) => string
): string[] {
  const names = cells.map((cell) => cell.trim())
  const seen = new Map<string, number>()
  for (const [index, name] of names.entries()) {
    if (name === '')
      throw new SourceError(
        'bad-header',
        { source, location, column: columnLabel(index) },
        `${columnLabel(index)} of the header has no name: give every column a name, or remove the empty column.`
      )
    const earlier = seen.get(name.toLowerCase())
    if (earlier !== undefined)
      throw new SourceError(
        'bad-header',
        { source, location, column: columnLabel(index) },
        `the header name '${name}' (${columnLabel(index)}) repeats '${names[earlier]}' (${columnLabel(earlier)}): names must be unique (case does not count), rename one of them.`
      )
    seen.set(name.toLowerCase(), index)
  }
  return names
}

/** Names for a file without a header row. */
export const numberedColumns = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `column${i + 1}`)
