// A pull or an apply in its own process for the fault campaign (test/faults/). The parent kills
// it from outside (SIGKILL after a delay or after N progress lines), or the child kills itself
// with SIGKILL at an exact point the parent can't time from outside:
//   KILL_AT=row:N        at the Nth mirror row written, inside a page's transaction
//   KILL_AT=page-in:N    when the Nth page of changes has arrived, before it is applied
//   KILL_AT=sending:N    right after the Nth chunk is journaled 'sending', before its request
//   KILL_AT=sent:N       right after Dataverse answered the Nth write, before the journal knows
//   KILL_AT=journal:N    at the Nth item outcome written, inside the journal's transaction
// SIGKILL runs no cleanup: what the next run finds is what a crash or a power cut leaves.
// Prints "progress N" lines (pages for a pull, items done for an apply) and "finished".
import { createRequire } from 'node:module'
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import { openStore } from '../../src-main/store/open'
import { ApplyEngine } from '../../src-main/sync/apply'
import { PullEngine } from '../../src-main/sync/pull'
import { sandboxAppToken } from './sandbox-token'
import type * as Rows from '../../src-main/store/repositories/mirror-rows'
import type * as Plans from '../../src-main/store/repositories/plans'

// The classes the store uses come from the CommonJS module cache; an ESM import of the same
// file is another instance, so patching it would change nothing the engines call.
const require = createRequire(import.meta.url)
const { MirrorRows } = require('../../src-main/store/repositories/mirror-rows') as typeof Rows
const { PlanRepository } = require('../../src-main/store/repositories/plans') as typeof Plans

const env = process.env as Record<string, string | undefined>
const [killPoint, killCount] = (env['KILL_AT'] ?? ':').split(':') as [string, string]
const killAfter = Number(killCount)
let counter = 0
const maybeDie = (point: string): void => {
  if (point !== killPoint) return
  counter += 1
  if (counter === killAfter) {
    process.stdout.write(`self-kill ${point} ${counter}\n`)
    process.kill(process.pid, 'SIGKILL')
  }
}

if (killPoint === 'row') {
  const put = MirrorRows.prototype.put
  MirrorRows.prototype.put = function (
    this: InstanceType<typeof MirrorRows>,
    ...args: Parameters<typeof put>
  ) {
    put.apply(this, args)
    maybeDie('row')
  }
}
if (killPoint === 'sending' || killPoint === 'journal') {
  const setOutcome = PlanRepository.prototype.setOutcome
  PlanRepository.prototype.setOutcome = function (
    this: InstanceType<typeof PlanRepository>,
    ...args: Parameters<typeof setOutcome>
  ) {
    setOutcome.apply(this, args)
    if (args[2] === 'sending') maybeDie('sending')
    else for (let i = 0; i < args[1].length; i++) maybeDie('journal')
  }
}

// One token per process, fetched again only when the transport asks (after a 401).
let token: Promise<string> | undefined
const tokens = tokenSourceFrom((forceRefresh) => {
  if (forceRefresh || !token) token = sandboxAppToken(env['SANDBOX_URL']!)
  return token
})
const store = openStore(env['DATA_DIR']!)
const environment = store.environments.byName('sandbox')!
const client = new DataverseClient({
  environmentUrl: env['SANDBOX_URL']!,
  tokens,
  baseDelayMs: 5,
  maxDelayMs: 50
})

if (killPoint === 'page-in') {
  const changes = client.changes.bind(client)
  client.changes = async function* (options) {
    for await (const page of changes(options)) {
      maybeDie('page-in')
      yield page
    }
  }
}
if (killPoint === 'sent') {
  const writes = client.writes
  const after = async <T,>(work: Promise<T>): Promise<T> => {
    const result = await work
    maybeDie('sent')
    return result
  }
  const { bulk, batch, single } = writes
  writes.bulk = (...a) => after(bulk.apply(writes, a))
  writes.batch = (...a) => after(batch.apply(writes, a))
  writes.single = (...a) => after(single.apply(writes, a))
}

process.stdout.write('ready\n')
if (env['JOB'] === 'apply') {
  await new ApplyEngine({ store, client }).run({
    environment,
    planId: Number(env['PLAN_ID']),
    batchSize: Number(env['BATCH'] ?? 10),
    parallelism: Number(env['PARALLELISM'] ?? 2),
    onProgress: (p) => process.stdout.write(`progress ${p.done}\n`)
  })
} else {
  await new PullEngine({ store, client }).run({
    environment,
    table: env['TABLE'] ?? 'product',
    maxPageSize: Number(env['PAGE_SIZE'] ?? 25),
    full: env['FULL'] === '1',
    onProgress: (p) => process.stdout.write(`progress ${p.pages}\n`)
  })
}
store.close()
process.stdout.write('finished\n')
