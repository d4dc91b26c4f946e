import type { SeededRandom } from '../../src-main/sandbox/seed/random'
import type { Store } from '../../src-main/store/open'
import { mirrorRows, sandboxRows, type PullFixture } from './pull-fixture'
import type { Harness } from './sandbox-harness'

/**
 * The tables the fault campaign works on, one per lane so two lanes can run at once on one
 * sandbox without seeing each other's changes, and the campaign's "nothing lost, nothing twice"
 * measurements: the mirror against the sandbox, the journal's entries per record.
 */
export interface LaneTable {
  logical: string
  set: string
  id: string
  /** The alternate key column (a string). */
  key: string
  /** A text column and a money column the campaign writes. */
  name: string
  money: string
  /** The --map of a CSV with columns Code, Name, Amount. */
  map: string
}

export const PRODUCT: LaneTable = {
  logical: 'product',
  set: 'products',
  id: 'productid',
  key: 'productnumber',
  name: 'name',
  money: 'price',
  map: 'Code=productnumber,Name=name,Amount=price'
}

export const ACCOUNT: LaneTable = {
  logical: 'account',
  set: 'accounts',
  id: 'accountid',
  key: 'accountnumber',
  name: 'name',
  money: 'revenue',
  map: 'Code=accountnumber,Name=name,Amount=revenue'
}

/** What a run of scenarios expects the journal to hold: each record once, under one action. */
export interface Expected {
  created: Set<string>
  updated: Set<string>
  deleted: Set<string>
}

export const noChanges = (): Expected => ({
  created: new Set(),
  updated: new Set(),
  deleted: new Set()
})

/** Ids of every row of the table in the sandbox now. */
export async function sandboxIds(harness: Harness, t: LaneTable): Promise<string[]> {
  return [...(await sandboxRows(harness, t.set, t.id, [t.id])).keys()]
}

/** Runs `work` over `items`, `width` at a time (the sandbox takes 52 requests at once). */
export async function parallel<T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!)
    })
  )
}

/**
 * Changes made in "Dataverse" while the product is down or between its runs: updates and
 * deletes of records not touched before in the scenario, and new records. Every record is
 * touched at most once per scenario, so the journal must name each exactly once.
 */
export async function mutate(
  harness: Harness,
  t: LaneTable,
  rnd: SeededRandom,
  touched: Set<string>,
  expected: Expected,
  tag: string,
  sizes: { updates: number; creates: number; deletes: number }
): Promise<number> {
  const free = (await sandboxIds(harness, t)).filter((id) => !touched.has(id))
  const pick = (n: number): string[] => {
    const out: string[] = []
    while (out.length < n && free.length) out.push(free.splice(rnd.int(0, free.length - 1), 1)[0]!)
    return out
  }
  const updates = pick(sizes.updates)
  const deletes = pick(sizes.deletes)
  const ops: (() => Promise<void>)[] = []
  for (const id of updates) {
    touched.add(id)
    expected.updated.add(id)
    const value = rnd.int(1, 900_000)
    ops.push(async () => {
      const res = await harness.api('PATCH', `${t.set}(${id})`, {
        body: { [t.name]: `Changed ${tag} ${value}`, [t.money]: value },
        headers: { 'If-Match': '*' }
      })
      if (res.status >= 300) throw new Error(`update ${id}: ${res.status} ${res.text}`)
    })
  }
  for (const id of deletes) {
    touched.add(id)
    expected.deleted.add(id)
    ops.push(async () => {
      const res = await harness.api('DELETE', `${t.set}(${id})`)
      if (res.status >= 300) throw new Error(`delete ${id}: ${res.status} ${res.text}`)
    })
  }
  for (let i = 0; i < sizes.creates; i++) {
    const key = `${tag}-${i}`
    ops.push(async () => {
      const res = await harness.api('POST', t.set, {
        body: { [t.key]: key, [t.name]: `New ${key}`, [t.money]: i + 1 }
      })
      const id = /\(([^()]*)\)$/.exec(res.headers.get('odata-entityid') ?? '')?.[1]
      if (res.status >= 300 || !id) throw new Error(`create ${key}: ${res.status} ${res.text}`)
      touched.add(id)
      expected.created.add(id)
    })
  }
  await parallel(ops, 8, (op) => op())
  return ops.length
}

/** Whether the mirror holds exactly the sandbox's rows, every mirrored column; a diff if not. */
export async function mirrorDiff(
  harness: Harness,
  fixture: PullFixture,
  t: LaneTable
): Promise<string[]> {
  const mirror = fixture.store.mirrors.find(fixture.environment.id, t.logical)
  if (!mirror) return ['no mirror']
  const want = await sandboxRows(harness, t.set, t.id, mirror.columns)
  const have = mirrorRows(fixture, t.logical)
  const diff: string[] = []
  for (const [id, row] of want) {
    const mine = have.get(id)
    if (!mine) diff.push(`missing ${id}`)
    else if (JSON.stringify(sorted(mine)) !== JSON.stringify(sorted(row)))
      diff.push(`differs ${id}: mirror ${JSON.stringify(mine)} sandbox ${JSON.stringify(row)}`)
  }
  for (const id of have.keys()) if (!want.has(id)) diff.push(`extra ${id}`)
  return diff
}

const sorted = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))

/**
 * What the pull runs after `afterRunId` journaled, per action: each record id with how often it
 * was named. "Exactly once" means every count is 1 and the ids are the expected ones.
 */
export function pullJournal(
  store: Store,
  afterRunId: number
): Record<'created' | 'updated' | 'deleted', Map<string, number>> {
  const out = { created: new Map(), updated: new Map(), deleted: new Map() } as Record<
    'created' | 'updated' | 'deleted',
    Map<string, number>
  >
  for (const run of store.runs.list({ kind: 'pull', limit: 10_000 })) {
    if (run.id <= afterRunId) continue
    for (const item of store.runs.items(run.id)) {
      const map = out[item.action as 'created' | 'updated' | 'deleted']
      if (!map) throw new Error(`unexpected journal action ${item.action}`)
      map.set(item.recordId!, (map.get(item.recordId!) ?? 0) + 1)
    }
  }
  return out
}

/** The journal against what was expected, as readable lines (empty when exactly right). */
export function journalDiff(journal: ReturnType<typeof pullJournal>, expected: Expected): string[] {
  const diff: string[] = []
  for (const action of ['created', 'updated', 'deleted'] as const) {
    const got = journal[action]
    for (const [id, n] of got) {
      if (n !== 1) diff.push(`${action} ${id} journaled ${n} times`)
      if (!expected[action].has(id)) diff.push(`${action} ${id} journaled but not expected`)
    }
    for (const id of expected[action])
      if (!got.has(id)) diff.push(`${action} ${id} expected but not journaled`)
  }
  return diff
}

export function integrity(store: Store): string {
  return (store.db.pragma('integrity_check') as { integrity_check: string }[])
    .map((r) => r.integrity_check)
    .join('; ')
}

/** Every row a query returns, following nextLinks. */
export async function sandboxQuery(
  harness: Harness,
  url: string
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = []
  let next: string | undefined = url
  while (next) {
    const page = await harness.api('GET', next, { headers: { Prefer: 'odata.maxpagesize=5000' } })
    if (page.status !== 200) throw new Error(`GET ${next}: ${page.status} ${page.text}`)
    rows.push(...(page.json.value as Record<string, unknown>[]))
    next = page.json['@odata.nextLink']
  }
  return rows
}

/** The records whose key starts with `prefix`, by key, with their name and money values. */
export async function recordsByPrefix(
  harness: Harness,
  t: LaneTable,
  prefix: string
): Promise<{ keys: string[]; byKey: Map<string, Record<string, unknown>> }> {
  const rows = await sandboxQuery(
    harness,
    `${t.set}?$select=${t.key},${t.name},${t.money}&$filter=startswith(${t.key},'${prefix}')`
  )
  const keys = rows.map((r) => String(r[t.key]))
  return { keys, byKey: new Map(rows.map((r) => [String(r[t.key]), r])) }
}

/**
 * What the apply runs of a plan journaled, as readable problems: every planned write must be
 * named exactly once across the runs, as done or found already applied, and never as failed.
 */
export function applyJournalDiff(store: Store, planId: number, plannedSeqs: number[]): string[] {
  const seen = new Map<number, string[]>()
  for (const run of store.runs.list({ kind: 'apply', limit: 10_000 })) {
    if (run.details['planId'] !== planId) continue
    for (const item of store.runs.items(run.id))
      seen.set(item.seq, [...(seen.get(item.seq) ?? []), `${item.outcome} (run ${run.id})`])
  }
  const diff: string[] = []
  for (const seq of plannedSeqs) {
    const outcomes = seen.get(seq) ?? []
    if (outcomes.length !== 1)
      diff.push(`item ${seq} journaled ${outcomes.length} times: ${outcomes.join(', ')}`)
    else if (!/^(done|already-applied) /.test(outcomes[0]!))
      diff.push(`item ${seq}: ${outcomes[0]}`)
    seen.delete(seq)
  }
  for (const [seq, outcomes] of seen)
    diff.push(`item ${seq} journaled but not planned: ${outcomes.join(', ')}`)
  return diff
}
