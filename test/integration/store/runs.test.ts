import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../../src-main/store/open'
import { isProcessAlive } from '../../../src-main/sync/process-alive'

/**
 * The run journal (src-main/store/repositories/runs.ts) in a real SQLite file: runs with their
 * figures, items streamed in order, and runs whose process died marked as interrupted.
 */

let dir: string
let store: Store
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvsync-runs-'))
  store = openStore(dir)
})
afterEach(() => {
  if (store.db.open) store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The id of a process that has just ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!

describe('runs', () => {
  it('records a run from start to finish, with its counts and figures', () => {
    const env = store.environments.add({
      name: 'e',
      url: 'https://e.crm.dynamics.com',
      authKind: 'interactive'
    })
    const first = store.runs.start({
      kind: 'pull',
      mode: 'initial',
      environmentId: env.id,
      environmentName: 'e',
      tableName: 'product'
    })
    store.runs.progress(first, { created: 3 }, { requests: 2 }, 'resync')
    store.runs.finish(first, 'completed', 'A full resync.')
    const second = store.runs.start({
      kind: 'pull',
      mode: 'delta',
      environmentId: env.id,
      tableName: 'product'
    })
    store.runs.start({ kind: 'pull', environmentId: env.id, tableName: 'account' })

    expect(store.runs.get(first)).toMatchObject({
      kind: 'pull',
      mode: 'resync',
      status: 'completed',
      environmentName: 'e',
      counts: { created: 3 },
      figures: { requests: 2 },
      message: 'A full resync.',
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      details: { pid: process.pid }
    })
    expect(store.runs.latest('pull', env.id, 'product')?.id).toBe(second)
    expect(store.runs.list({ tableName: 'product' }).map((r) => r.id)).toEqual([second, first])
    expect(store.runs.list({ limit: 1 })).toHaveLength(1)
    // History outlives the environment, unlinked.
    store.environments.remove(env.id)
    expect(store.runs.get(first)).toMatchObject({ environmentId: null, environmentName: 'e' })
  })

  it('streams a run’s items in sequence order, filtered by action', () => {
    const run = store.runs.start({ kind: 'pull' })
    const actions = ['created', 'updated', 'deleted']
    store.db.transaction(() => {
      // Written out of order: a resumed run may add earlier sequence numbers late.
      for (const seq of [5, 1, 4, 2, 3, 6])
        store.runs.addItem(run, {
          seq,
          recordId: `id-${seq}`,
          action: actions[seq % 3]!,
          before: seq % 3 === 0 ? null : JSON.stringify({ price: seq }),
          after: JSON.stringify({ price: seq * 10 })
        })
    })()
    const items = store.runs.items(run)
    expect(Array.isArray(items)).toBe(false)
    const first = items.next()
    expect(first.value).toMatchObject({
      seq: 1,
      recordId: 'id-1',
      action: 'updated',
      before: { price: 1 },
      after: { price: 10 }
    })
    items.return(undefined)
    expect([...store.runs.items(run)].map((i) => i.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect([...store.runs.items(run, ['created'])].map((i) => [i.seq, i.before])).toEqual([
      [3, null],
      [6, null]
    ])
    expect(store.runs.itemCount(run)).toBe(6)
    // Writing the same seq again replaces it: a re-applied page doesn't duplicate its items.
    store.runs.addItem(run, { seq: 1, action: 'deleted', recordId: 'id-1' })
    expect(store.runs.itemCount(run)).toBe(6)
    expect([...store.runs.items(run, ['deleted'])].map((i) => i.seq)).toEqual([1, 2, 5])
  })

  it('marks runs of a dead process interrupted and leaves a live process’s run alone', () => {
    const live = store.runs.start({ kind: 'pull', tableName: 'product' })
    const dead = store.runs.start({
      kind: 'pull',
      tableName: 'account',
      details: { pid: deadPid() }
    })
    const anonymous = store.runs.start({
      kind: 'pull',
      tableName: 'contact',
      details: { pid: 'n/a' }
    })
    const done = store.runs.start({
      kind: 'pull',
      tableName: 'contact',
      details: { pid: deadPid() }
    })
    store.runs.finish(done, 'completed')

    expect(store.runs.markInterrupted(isProcessAlive)).toBe(2)
    expect(store.runs.get(live)?.status).toBe('running')
    expect(store.runs.get(dead)).toMatchObject({
      status: 'interrupted',
      message: 'The process stopped before the run finished; what it recorded is kept.'
    })
    expect(store.runs.get(anonymous)?.status).toBe('interrupted')
    expect(store.runs.get(done)?.status).toBe('completed')
    expect(store.runs.markInterrupted(isProcessAlive)).toBe(0)
  })
})
