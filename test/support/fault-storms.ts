import { expect } from 'vitest'
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import type { TransportEvent, TransportOptions } from '../../src-main/dataverse/transport'
import type { ScriptedFault } from '../../src-main/sandbox/control/faults'
import { PullEngine } from '../../src-main/sync/pull'
import type { CampaignLog } from './fault-campaign'
import {
  PRODUCT,
  integrity,
  journalDiff,
  mirrorDiff,
  noChanges,
  pullJournal,
  recordsByPrefix,
  sandboxIds
} from './fault-tables'
import { pullFixture, type PullFixture } from './pull-fixture'
import { pushFixture, type PushFixture } from './push-fixture'
import type { Harness } from './sandbox-harness'

/**
 * The storms' tools (test/faults/storms.test.ts): scripted faults and what the sandbox served of
 * them, clients whose waits are recorded instead of slept, and the "nothing lost, nothing twice"
 * checks of a pull or an apply of the product table.
 */

const t = PRODUCT

/** Scripted faults added as a run goes (bursts between pages), and what was served of them. */
export class Storm {
  private readonly planned: Record<string, number> = {}

  constructor(private readonly harness: Harness) {}

  add(faults: ScriptedFault[]): void {
    const controls = this.harness.sandbox.controls.faults
    controls.configure({ script: [...controls.current().script, ...faults] })
    for (const f of faults) this.planned[f.kind] = (this.planned[f.kind] ?? 0) + f.count
  }

  served(): Record<string, number> {
    const left: Record<string, number> = {}
    for (const f of this.harness.sandbox.controls.faults.current().script)
      left[f.kind] = (left[f.kind] ?? 0) + f.count
    const served: Record<string, number> = {}
    for (const [kind, n] of Object.entries(this.planned)) served[kind] = n - (left[kind] ?? 0)
    return served
  }
}

export type SourceRow = Record<'Code' | 'Name' | 'Amount', string>

export class StormKit {
  constructor(
    private readonly harness: Harness,
    private readonly log: CampaignLog
  ) {}

  storm(): Storm {
    return new Storm(this.harness)
  }

  /** Scripted faults; returns how many of each were served when called again. */
  script(faults: ScriptedFault[]): () => Record<string, number> {
    const storm = this.storm()
    storm.add(faults)
    return () => storm.served()
  }

  countServed(served: Record<string, number>): void {
    for (const [kind, n] of Object.entries(served)) this.log.fault(kind, n)
  }

  /** A client whose waits are recorded, not slept (an hour's Retry-After in no time). */
  recordingClient(options: Partial<TransportOptions> = {}): {
    client: DataverseClient
    waits: number[]
    events: TransportEvent[]
  } {
    const waits: number[] = []
    const events: TransportEvent[] = []
    const client = new DataverseClient({
      environmentUrl: this.harness.sandbox.url,
      tokens: tokenSourceFrom(() => this.harness.sandbox.appToken()),
      sleep: async (ms) => {
        waits.push(ms)
      },
      onEvent: (e) => events.push(e),
      ...options
    })
    return { client, waits, events }
  }

  pullWith(client: DataverseClient): PullFixture {
    const fx = pullFixture(this.harness)
    fx.client = client
    fx.engine = new PullEngine({ store: fx.store, client })
    return fx
  }

  pushWith(client: DataverseClient): PushFixture {
    const fx = pushFixture(this.harness)
    fx.client = client
    return fx
  }

  /** The pull's checks: the mirror is the sandbox's table, each row journaled created once. */
  async expectCompletePull(fx: PullFixture, where: string): Promise<void> {
    const expected = noChanges()
    for (const id of await sandboxIds(this.harness, t)) expected.created.add(id)
    await this.log.check('mirror equals sandbox', async () =>
      expect(await mirrorDiff(this.harness, fx, t), where).toEqual([])
    )
    await this.log.check('each change journaled exactly once', () =>
      expect(journalDiff(pullJournal(fx.store, 0), expected), where).toEqual([])
    )
    await this.log.check('database intact', () => expect(integrity(fx.store), where).toBe('ok'))
  }

  /** A plan of `creates` new products whose numbers start with `prefix`. */
  async planFor(
    fx: PushFixture,
    prefix: string,
    creates: number,
    mode: 'upsert' | 'create' = 'upsert'
  ) {
    const rows: SourceRow[] = Array.from({ length: creates }, (_, i) => ({
      Code: `${prefix}${String(i).padStart(3, '0')}`,
      Name: `Storm ${prefix}${i}`,
      Amount: String(1000 + i)
    }))
    const plan = await fx.plan(fx.csv(`${prefix}.csv`, rows), {
      table: t.logical,
      map: t.map,
      mode,
      batchSize: 10
    })
    return { plan, rows }
  }

  /**
   * A push of `count` new products named `prefix…` applied through scripted faults with this
   * parallelism: it must complete with none failed, each record once in Dataverse.
   */
  async applyThroughFaults(
    prefix: string,
    count: number,
    faults: ScriptedFault[],
    parallelism: number,
    where: string
  ): Promise<void> {
    const { client } = this.recordingClient()
    const fx = this.pushWith(client)
    try {
      const { plan, rows } = await this.planFor(fx, prefix, count)
      const served = this.script(faults)
      const result = await fx.apply(plan.planId, { parallelism })
      this.countServed(served())
      expect(result).toMatchObject({ created: count, failed: 0 })
      await this.expectAppliedOnce(fx, plan.planId, prefix, rows, where)
    } finally {
      fx.close()
    }
  }

  /** Dataverse holds each source row once with its values; each write journaled once. */
  async expectAppliedOnce(
    fx: PushFixture,
    planId: number,
    prefix: string,
    rows: SourceRow[],
    where: string
  ): Promise<void> {
    await this.log.check('each source record once in Dataverse', async () => {
      const { keys, byKey } = await recordsByPrefix(this.harness, t, prefix)
      expect(keys.length, where).toBe(rows.length)
      expect(new Set(keys).size, where).toBe(rows.length)
      for (const row of rows)
        expect(byKey.get(row.Code), where).toMatchObject({
          name: row.Name,
          price: Number(row.Amount)
        })
    })
    await this.log.check('each change journaled exactly once', () => {
      const seqs = new Map<number, number>()
      for (const run of fx.store.runs.list({ kind: 'apply', limit: 100 }))
        for (const item of fx.store.runs.items(run.id))
          if (item.outcome === 'done' || item.outcome === 'already-applied')
            seqs.set(item.seq, (seqs.get(item.seq) ?? 0) + 1)
      expect(seqs.size, where).toBe(rows.length)
      expect(
        [...seqs.values()].every((n) => n === 1),
        where
      ).toBe(true)
      expect(fx.store.plans.get(planId)?.status, where).toBe('applied')
    })
    await this.log.check('database intact', () => expect(integrity(fx.store), where).toBe('ok'))
  }
}
