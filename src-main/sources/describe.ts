import type { EncodingBasis } from './encoding-fit'
import type { SourceDescription } from './types'

/**
 * A source's description as people read it before a plan (the CLI's `plan` and `push`): the
 * format, which encoding was used and why — a guess is said to be one — and each warning, so a
 * file read in the wrong encoding is never read silently.
 */
const BASIS: Record<EncodingBasis, string> = {
  given: 'as given',
  'byte-order mark': 'from its byte-order mark',
  'valid UTF-8': 'detected: its first non-ASCII characters are valid UTF-8',
  'not UTF-8': 'assumed, because its first non-ASCII bytes are not valid UTF-8',
  'ASCII so far': 'assumed: its first 64 KB are plain ASCII, and a later non-ASCII byte decides'
}

export function describeSource(file: string, description: SourceDescription): string[] {
  const facts = [
    description.format.toUpperCase(),
    description.encoding
      ? `encoding ${description.encoding}${description.encodingBasis ? ` (${BASIS[description.encodingBasis]})` : ''}`
      : '',
    description.delimiter
      ? `delimiter ${description.delimiter === '\t' ? 'tab' : `'${description.delimiter}'`}`
      : '',
    description.sheet ? `sheet '${description.sheet}'` : '',
    `${description.columns.length} columns`
  ].filter(Boolean)
  return [
    `Reading ${file}: ${facts.join(', ')}.`,
    ...(description.warnings ?? []).map((w) => `Warning: ${file}: ${w}`)
  ]
}

/** The encoding sentence alone, for the app's preview. */
export function encodingBasisText(basis: EncodingBasis): string {
  return BASIS[basis]
}
