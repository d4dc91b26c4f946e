import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { storageError } from './errors'
import type { Store } from './open'

/**
 * Another process (or another run in this one) is doing the same work on this data folder: the
 * desktop app and a scheduled `dvsync`, or two schedulers. Two pulls of one table would journal
 * every change twice; two applies of one plan would send its items twice and record the
 * loser's refusals over the winner's successes. The second one is refused instead.
 */
export class RunBusyError extends Error {
  override name = 'RunBusyError'
}

interface Holder {
  pid: number
  owner: string
  since: string
}

/**
 * Claims `key` (e.g. "pull-3-product") for this run, or throws RunBusyError naming `what` and
 * the process holding it. The claim is a file in `<data folder>/locks/`; one left by a process
 * that is gone (killed, crashed) is taken over. Checking and taking happen inside an IMMEDIATE
 * transaction of the store, which SQLite grants to one process at a time, so two processes
 * can't both see the claim free. Returns the release function (idempotent).
 */
export function claimRun(
  store: Store,
  key: string,
  what: string,
  isAlive: (pid: number) => boolean
): () => void {
  const dir = join(store.folder, 'locks')
  const file = join(dir, `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`)
  const mine: Holder = {
    pid: process.pid,
    owner: randomBytes(8).toString('hex'),
    since: new Date().toISOString()
  }
  const claim = store.db.transaction(() => {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const held = read(file)
    if (held && isAlive(held.pid)) {
      const who = held.pid === process.pid ? 'this process' : `process ${held.pid}`
      throw new RunBusyError(
        `${what} is already running (${who}, since ${held.since}) on the data folder ${store.folder}; wait for it to finish or stop it, then run this again.`
      )
    }
    writeFileSync(file, JSON.stringify(mine), { mode: 0o600 })
  })
  try {
    claim.immediate()
  } catch (err) {
    // The claim is a file in the data folder: a full or read-only folder says so.
    throw storageError(err, store.folder, { fileSystem: true }) ?? err
  }
  let released = false
  return () => {
    if (released) return
    released = true
    try {
      // Only our own claim is removed (one taken over as stale belongs to someone else now).
      if (read(file)?.owner === mine.owner) unlinkSync(file)
    } catch {
      // A claim that can't be removed is stale once this process ends: the next run takes it.
    }
  }
}

function read(file: string): Holder | undefined {
  try {
    const held = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>
    return typeof held.pid === 'number' && typeof held.owner === 'string'
      ? (held as Holder)
      : undefined
  } catch {
    // No claim, or a torn one (its writer died mid-write): free.
    return undefined
  }
}

/**
 * Like claimRun, but waits while the claim is held by a live process instead of refusing:
 * applies to one table queue up, so the second judges its plan against what the first wrote.
 * `onWait` hears the holder's message once; a cancelled wait is refused with that message.
 */
export async function claimRunWhenFree(
  store: Store,
  key: string,
  what: string,
  isAlive: (pid: number) => boolean,
  options: { signal?: AbortSignal; onWait?: (message: string) => void; pollMs?: number } = {}
): Promise<() => void> {
  for (let told = false; ;) {
    try {
      return claimRun(store, key, what, isAlive)
    } catch (err) {
      if (!(err instanceof RunBusyError)) throw err
      if (options.signal?.aborted) throw err
      if (!told)
        options.onWait?.(err.message.replace(/; wait for it.*$/, '; waiting for it to end…'))
      told = true
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200))
    }
  }
}
