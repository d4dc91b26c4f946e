import {
  checkEncodingLabel,
  detectEncoding,
  SourceDecoder,
  type DetectedEncoding
} from './encoding'
import { encodingFit, type EncodingFit } from './encoding-fit'
import { openBytes, readSample } from './file'

/** A text file's encoding (given or detected) and its first 64 KB as text, for sniffing. */
export interface TextSample {
  detected: DetectedEncoding
  /** Decoded leniently (a cut sequence at the end is harmless here); the BOM removed. */
  text: string
  wholeFile: boolean
  /** How the encoding was chosen and what in the sample does not fit it. */
  fit: EncodingFit
}

export async function sampleText(file: string, encoding: string | undefined): Promise<TextSample> {
  const sample = await readSample(file)
  const detected =
    encoding === undefined
      ? detectEncoding(sample.bytes, file, sample.wholeFile)
      : { encoding: checkEncodingLabel(encoding, file), decided: true }
  // { stream: true }: see SourceDecoder.strict on Node 20's windows-1252 fast path.
  const text = new TextDecoder(detected.encoding).decode(sample.bytes, { stream: true })
  const fit = encodingFit(sample.bytes, detected, encoding !== undefined)
  return { detected, text, wholeFile: sample.wholeFile, fit }
}

/** What a description says of a text file's encoding: its name, how it was chosen, doubts. */
export function encodingFacts(sample: TextSample): {
  encoding: string
  encodingBasis: EncodingFit['basis']
  warnings?: string[]
} {
  return {
    encoding: sample.detected.encoding,
    encodingBasis: sample.fit.basis,
    ...(sample.fit.warnings.length ? { warnings: sample.fit.warnings } : {})
  }
}

/** The file as text, chunk by chunk, strictly decoded (see SourceDecoder). */
export async function* textChunks(
  file: string,
  detected: DetectedEncoding,
  bytes: AsyncIterable<Buffer>
): AsyncGenerator<string> {
  const decoder = new SourceDecoder(detected, file)
  for await (const chunk of bytes) {
    const text = decoder.decode(chunk)
    if (text) yield text
  }
  const rest = decoder.decode(Buffer.alloc(0), true)
  if (rest) yield rest
}

/**
 * Runs `read` over the file's text and closes the file when it ends, fails or is left early, before
 * the caller goes on: a preview leaves no file open behind it.
 */
export async function* readText<T>(
  file: string,
  detected: DetectedEncoding,
  signal: AbortSignal | undefined,
  read: (text: AsyncIterable<string>) => AsyncGenerator<T>
): AsyncGenerator<T> {
  const bytes = openBytes(file, signal)
  try {
    yield* read(textChunks(file, detected, bytes.chunks))
  } finally {
    await bytes.close()
  }
}
