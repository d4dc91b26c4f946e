import type { Readable } from 'node:stream'
import yauzl from 'yauzl'

/**
 * Random access to a zip's entries through its central directory (yauzl: maintained, no native
 * code, validates sizes): an XLSX part can be read in the order the workbook needs — workbook,
 * styles, shared strings, then the one sheet — whatever order the writer stored them in, and no
 * part is unzipped to a temporary file or read when it is not wanted.
 */
export interface Zip {
  /** Part names as stored; looked up without case, as OOXML part names compare. */
  has(name: string): boolean
  open(name: string): Promise<Readable>
  /** Resolves when the file is closed. */
  close(): Promise<void>
}

export async function openZip(file: string): Promise<Zip> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false })
  const closed = new Promise<void>((resolve) => zip.once('close', () => resolve()))
  const entries = new Map<string, yauzl.Entry>()
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        entries.set(entry.fileName.toLowerCase(), entry)
        zip.readEntry()
      })
      zip.once('end', resolve)
      zip.once('error', reject)
      zip.readEntry()
    })
  } catch (err) {
    zip.close()
    throw err
  }
  return {
    has: (name) => entries.has(name.toLowerCase()),
    open(name) {
      const entry = entries.get(name.toLowerCase())
      if (!entry) return Promise.reject(new Error(`the part ${name} is missing`))
      return zip.openReadStreamPromise(entry)
    },
    close() {
      if (zip.isOpen) zip.close()
      return closed
    }
  }
}
