import { accessSync, constants } from 'node:fs'
import { dirname } from 'node:path'

/** Why the data folder refused: no room left, not writable, or not there / not readable. */
export type StorageProblem = 'full' | 'read-only' | 'unavailable'

/**
 * The data folder could not be written or opened: a disk or quota that is full, a read-only
 * folder or volume, a folder that can't be created. Not a bug: the message names the folder and
 * what to do, and says that what was saved before is kept (every write is a transaction).
 */
export class StorageError extends Error {
  override name = 'StorageError'
  constructor(
    readonly folder: string,
    readonly problem: StorageProblem,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

const AFTER =
  'What was saved before is intact; run it again afterwards and it resumes where it stopped.'
const ELSEWHERE = 'or choose another data folder with --data-dir (or DVSYNC_DATA_DIR)'

/**
 * The StorageError an error from SQLite amounts to (with `fileSystem`, also one from creating
 * the folder), or undefined when it is something else — a source file that can't be read is not
 * the data folder's fault. SQLite's "unable to open" and I/O errors are told apart by asking the
 * folder itself whether it can be written (a read-only volume says so even to root).
 */
export function storageError(
  err: unknown,
  folder: string,
  options: { fileSystem?: boolean } = {}
): StorageError | undefined {
  if (err instanceof StorageError) return err
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return undefined
  if (!code.startsWith('SQLITE_') && !options.fileSystem) return undefined
  const detail = (err as Error).message
  const full = (): StorageError =>
    new StorageError(
      folder,
      'full',
      `The data folder ${folder} is full: the disk (or your quota) has no room left (${detail}). Free some space there, ${ELSEWHERE}. ${AFTER}`,
      { cause: err }
    )
  const readOnly = (why: string): StorageError =>
    new StorageError(
      folder,
      'read-only',
      `The data folder ${folder} can't be written: ${why}. Make it writable (check that its volume is not mounted read-only, that no sync or backup tool locks it, and its permissions), ${ELSEWHERE}. ${AFTER}`,
      { cause: err }
    )
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return full()
  if (
    code.startsWith('SQLITE_READONLY') ||
    code === 'EROFS' ||
    code === 'EACCES' ||
    code === 'EPERM'
  )
    return readOnly(detail)
  if (code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_IOERR') || code === 'ENOENT') {
    const unwritable = writable(folder)
    if (unwritable) return readOnly(unwritable)
    return new StorageError(
      folder,
      'unavailable',
      `The data folder ${folder} could not be read or written (${detail}). Check that it exists and that its drive is connected and healthy, ${ELSEWHERE}. ${AFTER}`,
      { cause: err }
    )
  }
  return undefined
}

/** Why the folder (or, before it exists, the folder it would be made in) can't be written. */
function writable(folder: string): string | undefined {
  try {
    accessSync(folder, constants.W_OK)
    return undefined
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const parent = dirname(folder)
    if (code === 'ENOENT') return parent === folder ? undefined : writable(parent)
    return code === 'EROFS' ? 'it is on a read-only volume' : `${code ?? 'not writable'}`
  }
}

/**
 * Records a failure in the journal if the folder still lets it: after a disk-full or read-only
 * error the record itself may fail, and that must not hide the error the user needs to see. A
 * run left 'running' is closed as interrupted by the next run.
 */
export function recordIfPossible(folder: string, record: () => void): void {
  try {
    record()
  } catch (err) {
    if (!storageError(err, folder)) throw err
  }
}
