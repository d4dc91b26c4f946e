import type { ItemOutcome } from '../../src-shared/model/push'
import type { WriteOutcome } from '../dataverse/writes'
import type { Store } from '../store/open'
import type { MirrorRow } from '../store/repositories/mirror-rows'
import type { StoredPlanItem } from '../store/repositories/plans'

export interface ApplyCounts {
  created: number
  updated: number
  deactivated: number
  deleted: number
  failed: number
  conflicts: number
  skipped: number
  alreadyApplied: number
}

const PAST: Record<string, keyof ApplyCounts> = {
  create: 'created',
  update: 'updated',
  deactivate: 'deactivated',
  delete: 'deleted'
}

/**
 * The apply's journal: item outcomes in the plan (written before a request as 'sending' and
 * after it as done/failed/conflict) and one run item per record with its before and after
 * values, for the report and for undo.
 */
export interface ApplyJournal {
  counts(): ApplyCounts
  remember(item: StoredPlanItem, before: MirrorRow | undefined): void
  /** Items settled without a request: already applied, conflicts, exclusions. */
  settle(
    items: StoredPlanItem[],
    outcome: ItemOutcome,
    code: string | null,
    message: string | null,
    before?: MirrorRow
  ): void
  /** Before a request: these items may be applied from now on. */
  sending(items: StoredPlanItem[]): void
  /** After a request: each item's outcome with Dataverse's code and message. */
  record(items: StoredPlanItem[], outcomes: WriteOutcome[]): void
}

export function applyJournal(store: Store, planId: number, runId: number): ApplyJournal {
  const counts: ApplyCounts = {
    created: 0,
    updated: 0,
    deactivated: 0,
    deleted: 0,
    failed: 0,
    conflicts: 0,
    skipped: 0,
    alreadyApplied: 0
  }
  const befores = new Map<number, MirrorRow | undefined>()

  const runItem = (
    item: StoredPlanItem,
    outcome: ItemOutcome,
    code: string | null,
    message: string | null,
    before?: MirrorRow
  ): void => {
    const beforeValues = before ? (JSON.parse(before.data) as Record<string, unknown>) : null
    const after: Record<string, unknown> | null =
      item.action === 'delete' || outcome !== 'done'
        ? null
        : {
            ...(beforeValues ?? {}),
            ...Object.fromEntries(Object.entries(item.changes).map(([k, c]) => [k, c.to]))
          }
    store.runs.addItem(runId, {
      seq: item.seq,
      recordId: item.recordId ?? before?.id ?? null,
      recordKey: item.key,
      action: item.action,
      outcome: code === 'already-applied' ? 'already-applied' : outcome,
      before: before?.data ?? null,
      after: after ? JSON.stringify(after) : null,
      errorCode: outcome === 'failed' ? code : null,
      errorMessage: outcome === 'done' && code !== 'already-applied' ? null : message
    })
  }

  const tally = (item: StoredPlanItem, outcome: ItemOutcome, code: string | null): void => {
    if (outcome === 'done')
      counts[code === 'already-applied' ? 'alreadyApplied' : PAST[item.action]!] += 1
    else if (outcome === 'failed') counts.failed += 1
    else if (outcome === 'conflict') counts.conflicts += 1
    else if (outcome === 'excluded') counts.skipped += 1
  }

  /** A transaction whose tallies are undone with it when it can't commit (a full disk). */
  const counted =
    <A extends unknown[]>(transaction: (...args: A) => void) =>
    (...args: A): void => {
      const before = { ...counts }
      try {
        transaction(...args)
      } catch (err) {
        Object.assign(counts, before)
        throw err
      }
    }

  return {
    counts: (): ApplyCounts => ({ ...counts }),
    remember(item: StoredPlanItem, before: MirrorRow | undefined): void {
      befores.set(item.seq, before)
    },
    /** Items settled without a request: already applied, conflicts, exclusions. */
    settle: counted(
      store.db.transaction(
        (
          items: StoredPlanItem[],
          outcome: ItemOutcome,
          code: string | null,
          message: string | null,
          before?: MirrorRow
        ) => {
          store.plans.setOutcome(
            planId,
            items.map((i) => i.seq),
            outcome,
            code,
            message
          )
          for (const item of items) {
            runItem(item, outcome, code, message, before)
            tally(item, outcome, code)
          }
        }
      )
    ),
    /** Before a request: these items may be applied from now on. */
    sending: store.db.transaction((items: StoredPlanItem[]) => {
      store.plans.setOutcome(
        planId,
        items.map((i) => i.seq),
        'sending'
      )
    }),
    /** After a request: each item's outcome with Dataverse's code and message. */
    record: counted(
      store.db.transaction((items: StoredPlanItem[], outcomes: WriteOutcome[]) => {
        items.forEach((item, i) => {
          const o = outcomes[i] ?? { ok: false, status: 0, message: 'No answer for this record.' }
          // 412 on a conditional write: the record changed after the plan (reference §3.3).
          const outcome: ItemOutcome = o.ok
            ? 'done'
            : o.status === 412 && o.code === '0x80060882'
              ? 'conflict'
              : 'failed'
          const message = o.ok
            ? null
            : `${o.status}${o.code ? ` ${o.code}` : ''}: ${o.message ?? ''}`.trim()
          store.plans.setOutcome(
            planId,
            [item.seq],
            outcome,
            o.ok ? null : (o.code ?? String(o.status)),
            message
          )
          runItem(
            item,
            outcome,
            o.ok ? null : (o.code ?? String(o.status)),
            message,
            befores.get(item.seq)
          )
          tally(item, outcome, null)
        })
      })
    )
  }
}
