import { isUtf8 } from 'node:buffer'
import { TextDecoder } from 'node:util'
import type { DetectedEncoding } from './encoding'

/**
 * How a text file's encoding was chosen, and whether its first bytes fit it. Decoding is strict
 * (encoding.ts), but windows-1252 decodes every byte to something, so a Shift-JIS file, or a UTF-8
 * file with one damaged byte before its first "é", reads without an error as nonsense. These
 * checks look at the sample the choice was made on and say when the bytes do not look like
 * windows-1252 text; they never stop the source (the user may know better), they warn.
 */

export type EncodingBasis =
  'given' | 'byte-order mark' | 'valid UTF-8' | 'not UTF-8' | 'ASCII so far'

export interface EncodingFit {
  basis: EncodingBasis
  /** One sentence each, complete: what is odd, where, and what to do. */
  warnings: string[]
}

/** Bytes that windows-1252 leaves undefined (WHATWG decodes them to C1 control characters). */
const UNDEFINED_1252 = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d])

const hex = (byte: number): string => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`

/** The 1-based line of a byte offset in the sample. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line += 1
  return line
}

const ADVICE = "give the file's encoding (dvsync: --encoding <name>; the app: Encoding)"

export function encodingFit(
  sample: Uint8Array,
  detected: DetectedEncoding,
  given: boolean
): EncodingFit {
  const bom =
    (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) ||
    (sample[0] === 0xff && sample[1] === 0xfe) ||
    (sample[0] === 0xfe && sample[1] === 0xff)
  const basis: EncodingBasis = given
    ? 'given'
    : bom
      ? 'byte-order mark'
      : !detected.decided
        ? 'ASCII so far'
        : detected.encoding === 'utf-8'
          ? 'valid UTF-8'
          : 'not UTF-8'
  const warnings: string[] = []
  if (detected.encoding === 'windows-1252') warnings.push(...misfits1252(sample, given))
  return { basis, warnings }
}

/** What does not fit windows-1252, the likeliest explanation first and alone. */
function misfits1252(sample: Uint8Array, given: boolean): string[] {
  const utf8 = utf8Sequences(sample)
  if (utf8.mostly) {
    return [
      given || utf8.invalidAt < 0
        ? `the text is valid UTF-8 (from line ${lineAt(sample, utf8.firstAt)}), which windows-1252 reads as two or three characters each ('é' becomes 'Ã©'): if the names look wrong, read it as utf-8.`
        : `the file is mostly UTF-8 (from line ${lineAt(sample, utf8.firstAt)}) but byte ${hex(sample[utf8.invalidAt]!)} on line ${lineAt(sample, utf8.invalidAt)} is not, so windows-1252 was assumed and every 'é' written as UTF-8 reads as 'Ã©': repair that byte and save the file as UTF-8, or ${ADVICE}.`
    ]
  }
  const doubleByte = multiByteLook(sample)
  if (doubleByte) return [doubleByte]
  const undefinedAt = sample.findIndex((b) => UNDEFINED_1252.has(b))
  if (undefinedAt < 0) return []
  const bytes = [...new Set([...sample].filter((b) => UNDEFINED_1252.has(b)))].map(hex)
  return [
    `the file holds ${bytes.join(', ')} (first on line ${lineAt(sample, undefinedAt)}), which are not characters in windows-1252: the file is in another encoding; ${ADVICE}.`
  ]
}

/**
 * Whether most (three in four) non-ASCII bytes of the sample form valid UTF-8 sequences (a windows-1252 text
 * almost never has them: 'Ã' followed by '©' and the like), where the first one and the first
 * byte that is not UTF-8 are.
 */
function utf8Sequences(sample: Uint8Array): {
  mostly: boolean
  firstAt: number
  invalidAt: number
} {
  let high = 0
  let inSequences = 0
  let firstAt = -1
  let invalidAt = -1
  for (let i = 0; i < sample.length; i++) {
    const lead = sample[i]!
    if (lead < 0x80) continue
    high += 1
    const length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0
    // A sequence cut by the end of the sample is neither valid nor invalid.
    if (length > 0 && i + length > sample.length) break
    if (length > 0 && isUtf8(sample.subarray(i, i + length))) {
      inSequences += length
      high += length - 1
      if (firstAt < 0) firstAt = i
      i += length - 1
    } else if (invalidAt < 0) invalidAt = i
  }
  return { mostly: high > 0 && inSequences / high >= 0.75, firstAt, invalidAt }
}

/**
 * windows-1252 bytes 0x80–0x9F that European text hardly uses (it does use € … ‘ ’ “ ” • – — ™),
 * and that are Shift-JIS's most frequent lead bytes (0x82 hiragana, 0x83 katakana, 0x88–0x9F
 * kanji).
 */
const RARE_IN_1252 = (byte: number): boolean =>
  byte >= 0x81 &&
  byte <= 0x9f &&
  ![0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x99].includes(byte)

const DOUBLE_BYTE: [string, string][] = [
  ['shift_jis', 'Shift-JIS (Japanese)'],
  ['gbk', 'GBK (Chinese)'],
  ['big5', 'Big5 (Chinese)'],
  ['euc-kr', 'EUC-KR (Korean)']
]

/**
 * Text in a double-byte encoding read as windows-1252 ("ƒeƒXƒg", "‚±‚ñ‚É‚¿‚Í"): many of the
 * non-ASCII bytes are ones European text hardly uses, or nearly all of them stand in pairs, where
 * European accents stand alone or two together ("Müller", "ação"); and the sample reads without
 * an error in that encoding. A European file seldom passes the last test: an accent before a space
 * or a comma is not a valid double-byte character.
 */
function multiByteLook(sample: Uint8Array): string | undefined {
  let high = 0
  let paired = 0
  let rare = 0
  for (let i = 0; i < sample.length; i++) {
    const byte = sample[i]!
    if (byte < 0x80) continue
    high += 1
    if (RARE_IN_1252(byte)) rare += 1
    if ((sample[i - 1] ?? 0) >= 0x80 || (sample[i + 1] ?? 0) >= 0x80) paired += 1
  }
  const looks = (high >= 4 && rare / high >= 0.25) || (high >= 8 && paired / high >= 0.8)
  if (!looks) return undefined
  const fits = DOUBLE_BYTE.filter(([label]) => {
    try {
      // { stream: true }: a character cut by the end of the sample is no error.
      new TextDecoder(label, { fatal: true }).decode(sample, { stream: true })
      return true
    } catch {
      return false
    }
  })
  if (!fits.length) return undefined
  return `the text does not look like windows-1252 but reads without an error as ${fits.map(([label, name]) => `${name} (--encoding ${label})`).join(' or ')}; ${ADVICE}, or save the file as UTF-8.`
}
