import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statfsSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import { openFileSource } from '../../src-main/sources/index'
import { openStore, type Store } from '../../src-main/store/open'
import { ApplyEngine } from '../../src-main/sync/apply'
import { PlanEngine } from '../../src-main/sync/plan'
import { PullEngine } from '../../src-main/sync/pull'
import { parseMapping, pushSettings } from '../../src-main/sync/push-settings'
import type { PushFixture } from './push-fixture'
import type { Harness } from './sandbox-harness'

/**
 * Storage faults for the campaign (test/faults/storage.test.ts), real where the machine allows:
 * - a full disk: a small tmpfs mounted for the test and filled with a file up to a chosen
 *   headroom (root); elsewhere SQLite's `PRAGMA max_page_count` makes the database "full" at
 *   the same point (SQLITE_FULL either way, but only in this process);
 * - a read-only folder: a read-only bind mount of the data folder (root ignores permissions,
 *   not a read-only mount), else `chattr +i` on the folder and its files; not root: the folder
 *   and its files lose their write permission.
 * `method` says which one ran, for the campaign's figures; FAULT_NO_MOUNT=1 tries the fallbacks.
 */

/** FAULT_NO_MOUNT=1 tries the fallbacks on a machine where mounting works. */
const mount = (...args: string[]): boolean => {
  if (process.env['FAULT_NO_MOUNT'] === '1') return false
  try {
    execFileSync('mount', args, { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** Unmounts (lazily: a test that failed may still hold a file open) and removes the folder. */
const unmount = (dir: string): void => {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' })
  } catch {
    // Already gone.
  }
}

export interface SmallDisk {
  /** A folder on the disk to put data folders in. */
  dir: string
  method: 'tmpfs' | 'max_page_count'
  /** Leaves only about `headroomKb` free, for what is written from now on. */
  fill(headroomKb: number, store?: Store): void
  /** Gives the room back (the user freed space). */
  free(store?: Store): void
  close(): void
}

export function smallDisk(sizeMb = 16): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'dvsync-disk-'))
  if (process.getuid?.() === 0 && mount('-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir)) {
    const filler = join(dir, 'filler')
    return {
      dir,
      method: 'tmpfs',
      fill(headroomKb) {
        const { bavail, bsize } = statfsSync(dir)
        const bytes = bavail * bsize - headroomKb * 1024
        if (bytes > 0) writeFileSync(filler, Buffer.alloc(bytes))
      },
      free() {
        rmSync(filler, { force: true })
      },
      close() {
        unmount(dir)
        rmSync(dir, { recursive: true, force: true })
      }
    }
  }
  return {
    dir,
    method: 'max_page_count',
    fill(headroomKb, store) {
      if (!store) throw new Error('Without a tmpfs, only an open store can be made full.')
      const pageSize = store.db.pragma('page_size', { simple: true }) as number
      const pages = store.db.pragma('page_count', { simple: true }) as number
      store.db.pragma(`max_page_count = ${pages + Math.ceil((headroomKb * 1024) / pageSize)}`)
    },
    free(store) {
      store?.db.pragma('max_page_count = 4294967294')
    },
    close() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export interface ReadOnlyView {
  /** The data folder as a read-only path. */
  dir: string
  method: 'read-only bind mount' | 'chattr +i' | 'chmod'
  close(): void
}

const chattr = (flag: string, paths: string[]): boolean => {
  try {
    execFileSync('chattr', [flag, ...paths], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * The data folder `dataDir`, seen read-only; undefined where nothing can make it so (root
 * without the right to mount or to set the immutable flag: root ignores permissions).
 */
export function readOnlyView(dataDir: string): ReadOnlyView | undefined {
  const entries = ['', 'dvsync.sqlite', 'dvsync.sqlite-wal', 'dvsync.sqlite-shm']
  if (process.getuid?.() === 0) {
    const view = mkdtempSync(join(tmpdir(), 'dvsync-ro-'))
    if (mount('--bind', '-o', 'ro', dataDir, view)) {
      return {
        dir: view,
        method: 'read-only bind mount',
        close() {
          unmount(view)
          rmSync(view, { recursive: true, force: true })
        }
      }
    }
    rmSync(view, { recursive: true, force: true })
    const paths = entries.map((e) => join(dataDir, e)).filter((p) => existsSync(p))
    if (chattr('+i', paths))
      return { dir: dataDir, method: 'chattr +i', close: () => void chattr('-i', paths) }
    return undefined
  }
  for (const e of entries) {
    try {
      chmodSync(join(dataDir, e), e ? 0o444 : 0o555)
    } catch {
      // Not there (no WAL yet).
    }
  }
  return {
    dir: dataDir,
    method: 'chmod',
    close() {
      for (const e of entries) {
        try {
          chmodSync(join(dataDir, e), e ? 0o644 : 0o700)
        } catch {
          // Not there.
        }
      }
    }
  }
}

/** A data folder inside `parent`. */
export function dataFolderIn(parent: string, name: string): string {
  const dir = join(parent, name)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** The product on a given data folder: store, environment, client and engines. */
export function fixtureIn(harness: Harness, dataDir: string): PushFixture {
  const client = new DataverseClient({
    environmentUrl: harness.sandbox.url,
    tokens: tokenSourceFrom(() => harness.sandbox.appToken()),
    baseDelayMs: 5,
    maxDelayMs: 50
  })
  const store = openStore(dataDir)
  const environment =
    store.environments.byName('sandbox') ??
    store.environments.add({ name: 'sandbox', url: harness.sandbox.url, authKind: 'sandbox' })
  const fixture: PushFixture = {
    dataDir,
    store,
    environment,
    client,
    engine: new PullEngine({ store, client }),
    release: () => fixture.store.close(),
    reopen() {
      fixture.store = openStore(dataDir)
      fixture.engine = new PullEngine({ store: fixture.store, client: fixture.client })
    },
    close() {
      if (fixture.store.db.open) fixture.store.close()
    },
    csv(name, rows) {
      const file = join(dataDir, name)
      const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
      writeFileSync(file, stringify(rows, { header: true, columns }))
      return file
    },
    plan: async (file, { map, ...settings }) =>
      new PlanEngine({ store: fixture.store, client: fixture.client }).run({
        environment: fixture.environment,
        settings: pushSettings({ ...settings, ...(map ? { mapping: parseMapping(map) } : {}) }),
        source: await openFileSource(file)
      }),
    apply: (planId, options = {}) =>
      new ApplyEngine({ store: fixture.store, client: fixture.client }).run({
        environment: fixture.environment,
        planId,
        ...options
      })
  }
  return fixture
}
