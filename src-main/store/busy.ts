import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { RunRecord } from '../../src-shared/model/run'
import { BUSY_TIMEOUT_MS, STORE_FILE } from './open'
import { RunRepository } from './repositories/runs'
import { RunBusyError } from './run-lock'

/**
 * Another process held the data folder's write lock for longer than the busy timeout (a very
 * long transaction of the app or another dvsync). Like a run that is already going, it is a
 * refusal to try again later (CLI exit 2), not a bug: the message says what is running.
 */
export class DataFolderBusyError extends RunBusyError {
  override name = 'DataFolderBusyError'
}

const isBusy = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)
}

/** The DataFolderBusyError SQLite's "database is locked" amounts to, or undefined. */
export function busyError(err: unknown, folder: string): DataFolderBusyError | undefined {
  if (err instanceof DataFolderBusyError) return err
  if (!isBusy(err)) return undefined
  const running = runningRuns(folder)
  const what = running.length
    ? `; running now: ${running.map(describeRun).join('; ')}`
    : ' (no run is recorded as running: the app may be saving, or pruning the history)'
  return new DataFolderBusyError(
    `The data folder ${folder} is busy: another process (the app or another dvsync) kept it locked for more than ${BUSY_TIMEOUT_MS / 1000} s${what}. What was saved before is intact; run this again when it has finished.`,
    { cause: err }
  )
}

function describeRun(run: RunRecord): string {
  const pid = (run.details as { pid?: unknown }).pid
  const where = [run.tableName, run.environmentName && `in '${run.environmentName}'`]
    .filter(Boolean)
    .join(' ')
  return `${run.kind}${where ? ` of ${where}` : ''} (run ${run.id}${typeof pid === 'number' ? `, process ${pid}` : ''}, since ${run.startedAt})`
}

/** Runs recorded as running, read on a connection of their own (reads don't wait in WAL). */
function runningRuns(folder: string): RunRecord[] {
  let db: Database.Database | undefined
  try {
    db = new Database(join(folder, STORE_FILE), {
      readonly: true,
      fileMustExist: true,
      timeout: 1000
    })
    return new RunRepository(db)
      .list({ limit: 50 })
      .filter((r) => r.status === 'running')
      .slice(0, 5)
  } catch {
    // Saying what runs is a courtesy: the busy message stands without it.
    return []
  } finally {
    db?.close()
  }
}
