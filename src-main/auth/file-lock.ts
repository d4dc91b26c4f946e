import { randomBytes } from 'node:crypto'
import { readFile, stat, unlink, writeFile } from 'node:fs/promises'

/**
 * Mutual exclusion for one token cache file, within this process and across processes (the
 * desktop app and a scheduled `dvsync` share the data folder). MSAL brackets each cache read or
 * write with beforeCacheAccess/afterCacheAccess (try/finally, no network in between), so holding
 * a lock from before to after makes each read-modify-write atomic: without it, two processes
 * refreshing at once could each write back their own copy, and the rotated refresh token of one
 * would be lost (the sandbox refuses a replaced refresh token after 60 s, as Entra may).
 *
 * Cross-process: a `<file>.lock` created with O_EXCL. Holds are milliseconds long, so a lock
 * older than STALE_MS belongs to a process that died and is taken over.
 */

const STALE_MS = 5_000
const POLL_MS = 15
/** A hold this long is a bug (a before without its after); the waiter fails instead of hanging. */
const WAIT_LIMIT_MS = 15_000

const queues = new Map<string, Promise<void>>()

export interface HeldLock {
  release(): Promise<void>
}

export async function lockFile(path: string): Promise<HeldLock> {
  const releaseLocal = await lockInProcess(path)
  try {
    const releaseFile = await lockAcrossProcesses(`${path}.lock`)
    let released = false
    return {
      async release() {
        if (released) return
        released = true
        try {
          await releaseFile()
        } finally {
          releaseLocal()
        }
      }
    }
  } catch (err) {
    releaseLocal()
    throw err
  }
}

async function lockInProcess(path: string): Promise<() => void> {
  const previous = queues.get(path) ?? Promise.resolve()
  let release!: () => void
  const mine = new Promise<void>((resolve) => (release = resolve))
  const tail = previous.then(() => mine)
  queues.set(path, tail)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The token cache ${path} stayed locked for too long.`)),
      WAIT_LIMIT_MS
    )
  })
  try {
    await Promise.race([previous, timeout])
  } catch (err) {
    release()
    throw err
  } finally {
    clearTimeout(timer)
  }
  return () => {
    release()
    if (queues.get(path) === tail) queues.delete(path)
  }
}

async function lockAcrossProcesses(lockPath: string): Promise<() => Promise<void>> {
  const owner = `${process.pid}:${randomBytes(8).toString('hex')}`
  const started = Date.now()
  for (;;) {
    try {
      await writeFile(lockPath, owner, { flag: 'wx', mode: 0o600 })
      return async () => {
        // Only remove the lock if it is still ours (it may have been taken over as stale).
        const content = await readFile(lockPath, 'utf8').catch(() => '')
        if (content === owner) await unlink(lockPath).catch(() => undefined)
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const age = await stat(lockPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0
    )
    if (age > STALE_MS || Date.now() - started > WAIT_LIMIT_MS) {
      await unlink(lockPath).catch(() => undefined)
      continue
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}
