import { isAscii, isUtf8 } from 'node:buffer'
import { TextDecoder } from 'node:util'
import { SourceError } from './errors'

/**
 * Which encoding a text file is in. Node's TextDecoder (full ICU) decodes every WHATWG encoding,
 * streams across chunk boundaries and can be fatal, so no decoding library is needed; what it
 * cannot do is guess, which is this file's job:
 *   1. a BOM decides (UTF-8, UTF-16 LE, UTF-16 BE);
 *   2. otherwise the first non-ASCII character decides: a valid UTF-8 sequence → 'utf-8',
 *      anything else → 'windows-1252' (what Excel's "CSV" and most Windows tools write in the
 *      West). Only the first one: in a file that mixes both, a wider look would pick
 *      windows-1252 and silently turn every "é" before the bad byte into "Ã©"; deciding UTF-8
 *      instead makes the bad byte stop the source, with its line;
 *   3. a file that is ASCII so far is ASCII in both, so the decision waits for its first
 *      non-ASCII byte, however late it comes (a row 900,000 "Müller" in a windows-1252 file).
 */

/** The longest UTF-8 sequence: what the decision needs to see. */
const WINDOW = 4

export interface DetectedEncoding {
  encoding: string
  /** False while only ASCII has been seen: the decoder decides at the first other byte. */
  decided: boolean
}

export function detectEncoding(
  sample: Uint8Array,
  source: string,
  wholeFile = true
): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: 'utf-8', decided: true }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', decided: true }
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', decided: true }
  // UTF-16 without a BOM would decode to text full of NULs, silently wrong: refuse instead.
  let nuls = 0
  for (const byte of sample) if (byte === 0) nuls += 1
  if (sample.length > 0 && nuls > sample.length / 10)
    throw new SourceError(
      'unreadable-encoding',
      { source },
      "the file looks like UTF-16 without a byte-order mark (many zero bytes): give the encoding ('utf-16le' or 'utf-16be'), or save it again as UTF-8."
    )
  const first = sample.findIndex((b) => b >= 0x80)
  // Nothing but ASCII yet, or a first character cut by the end of the sample: let the decoder see.
  if (first < 0 || (!wholeFile && sample.length - first < WINDOW))
    return { encoding: 'utf-8', decided: false }
  return { encoding: decide(sample.subarray(first, first + WINDOW)), decided: true }
}

/** `bytes` start at the first non-ASCII byte. */
function decide(bytes: Uint8Array): string {
  const lead = bytes[0]!
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
  return bytes.length >= length && isUtf8(bytes.subarray(0, length)) ? 'utf-8' : 'windows-1252'
}

/** The window without a trailing UTF-8 sequence that the cut left incomplete. */
function completeUtf8Prefix(bytes: Uint8Array): Uint8Array {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!
    if (byte < 0x80) return bytes
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2
      return length > back ? bytes.subarray(0, bytes.length - back) : bytes
    }
  }
  return bytes
}

/** A WHATWG label checked up front, so a typo is an option error rather than a late failure. */
export function checkEncodingLabel(label: string, source: string): string {
  try {
    return new TextDecoder(label).encoding
  } catch {
    throw new SourceError(
      'bad-option',
      { source },
      `'${label}' is not an encoding name: use utf-8, utf-16le, utf-16be, windows-1252 or another WHATWG label (iso-8859-15, shift_jis, …).`
    )
  }
}

/**
 * Decodes a file chunk by chunk into text, strictly: bytes that are not valid in the encoding stop
 * the source with the line they are on, rather than becoming U+FFFD in a customer's name.
 */
export class SourceDecoder {
  private decoder: TextDecoder | undefined
  private pending: Buffer = Buffer.alloc(0)
  /** Newlines decoded so far: the line an encoding error is on. */
  private lines = 0

  constructor(
    detected: DetectedEncoding,
    private readonly source: string
  ) {
    if (detected.decided) this.decoder = new TextDecoder(detected.encoding, { fatal: true })
  }

  /** The encoding in use; 'utf-8' while the file has been ASCII so far. */
  get encoding(): string {
    return this.decoder?.encoding ?? 'utf-8'
  }

  decode(chunk: Buffer, final = false): string {
    const text = this.decoder ? this.strict(chunk, final) : this.undecided(chunk, final)
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lines += 1
    return text
  }

  private undecided(chunk: Buffer, final: boolean): string {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    // isAscii is vectorised: an ASCII file costs no per-byte JavaScript while undecided.
    const first = isAscii(data) ? -1 : data.findIndex((b) => b >= 0x80)
    if (first < 0) {
      this.pending = Buffer.alloc(0)
      return data.toString('latin1')
    }
    const ascii = data.toString('latin1', 0, first)
    if (data.length - first < WINDOW && !final) {
      this.pending = Buffer.from(data.subarray(first))
      return ascii
    }
    this.pending = Buffer.alloc(0)
    this.decoder = new TextDecoder(decide(data.subarray(first, first + WINDOW)), { fatal: true })
    return ascii + this.strict(data.subarray(first), final)
  }

  private strict(chunk: Uint8Array, final: boolean): string {
    try {
      // Always { stream: true }, then an empty flush: Node 20's one-shot decode() of
      // windows-1252 takes a Latin-1 fast path that turns 0x80 into U+0080 instead of €.
      const text = this.decoder!.decode(chunk, { stream: true })
      return final ? text + this.decoder!.decode() : text
    } catch (err) {
      const at = this.encoding === 'utf-8' ? firstInvalidUtf8(chunk) : 0
      let line = this.lines + 1
      for (let i = 0; i < at; i++) if (chunk[i] === 0x0a) line += 1
      const byte = chunk[at]
      const shown = byte === undefined ? '' : ` (byte 0x${byte.toString(16).toUpperCase()})`
      throw new SourceError(
        'unreadable-encoding',
        { source: this.source, location: `line ${line}`, line },
        `the text is not valid ${this.encoding}${shown}. Give the file's encoding (for a file saved by Excel or another Windows program: 'windows-1252'), or save it again as UTF-8.`,
        { cause: err }
      )
    }
  }
}

/** Where the first invalid UTF-8 sequence starts (binary search over valid prefixes). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0
  let hi = bytes.length
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (isUtf8(completeUtf8Prefix(bytes.subarray(0, mid)))) lo = mid
    else hi = mid - 1
  }
  // The longest valid prefix may end in the first bytes of the bad sequence, trimmed as "cut".
  return completeUtf8Prefix(bytes.subarray(0, lo)).length
}
