import { createReadStream, type ReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { SourceError } from './errors'

/** Chunks of 64 KB: large enough for throughput, small enough that the first row comes early. */
export const CHUNK_BYTES = 64 * 1024

/** Fails with a message the user can act on when the path is not a readable file. */
export async function checkFile(file: string): Promise<void> {
  let info
  try {
    info = await stat(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new SourceError(
      code === 'ENOENT' ? 'missing-file' : 'unreadable-file',
      { source: file },
      code === 'ENOENT'
        ? 'the file does not exist: check the path and the name.'
        : `the file cannot be read (${code ?? String(err)}): check its permissions.`,
      { cause: err }
    )
  }
  if (!info.isFile())
    throw new SourceError('unreadable-file', { source: file }, 'this is not a file: pick a file.')
}

/** The first `bytes` of the file, and whether that is all of it. */
export async function readSample(
  file: string,
  bytes = CHUNK_BYTES
): Promise<{ bytes: Buffer; wholeFile: boolean }> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0)
    return { bytes: buffer.subarray(0, bytesRead), wholeFile: bytesRead < bytes }
  } finally {
    await handle.close()
  }
}

export interface ByteStream {
  chunks: AsyncIterable<Buffer>
  /** Destroys the stream and resolves once the file is closed (Windows keeps open files locked). */
  close(): Promise<void>
}

/** The file's bytes, streamed; aborting destroys the stream, which rejects with an AbortError. */
export function openBytes(file: string, signal?: AbortSignal): ByteStream {
  signal?.throwIfAborted()
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES, signal })
  // Errors reach the reader through iteration; this keeps one emitted while nothing iterates
  // (an abort between two reads, a failure after the reader stopped) from crashing the process.
  stream.on('error', () => undefined)
  return { chunks: stream, close: () => closeStream(stream) }
}

export function closeStream(stream: ReadStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed) return resolve()
    stream.once('close', () => resolve())
    stream.destroy()
  })
}
