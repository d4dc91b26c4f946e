import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'

/**
 * Writes a file through a temporary sibling that is renamed over it only when complete, so a
 * reader (or the external system watching the folder) never sees half a file, and a failure
 * leaves nothing behind.
 */
export async function writeAtomically<T>(
  file: string,
  write: (temp: string) => Promise<T>
): Promise<T> {
  const temp = `${file}.partial-${process.pid}`
  try {
    const result = await write(temp)
    await rename(temp, file)
    return result
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  }
}

/** writeAtomically for a text stream: `write` fills it and may await 'drain'; ending is ours. */
export function streamAtomically<T>(
  file: string,
  write: (out: WriteStream) => Promise<T>
): Promise<T> {
  return writeAtomically(file, async (temp) => {
    const out = createWriteStream(temp, { encoding: 'utf8' })
    try {
      const result = await write(out)
      if (!out.writableEnded) out.end()
      if (!out.writableFinished) await once(out, 'finish')
      return result
    } catch (err) {
      out.destroy()
      throw err
    }
  })
}
