import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { jsonPropertyOf, type TableDetails } from '../../src-shared/model/metadata'
import { zeroPlanCounts, type PlanAction, type PushSettings } from '../../src-shared/model/push'
import type { DataverseClient } from '../dataverse/client'
import type { RowSource, SourceRow } from '../sources/types'
import { recordIfPossible, storageError } from '../store/errors'
import type { Store } from '../store/open'
import type { NewPlanItem } from '../store/repositories/plans'
import { autoMap, resolveMapping } from './mapping'
import { planMissing, UnreadableKeys } from './plan-missing'
import { prefetchByKey } from './plan-prefetch'
import { readRemoteParents, RemoteKeyLookup } from './lookup-remote'
import { planRow, type LookupRecords, type PlanMirrors, type RowMirrors } from './plan-row'
import { ClearWarnings } from './plan-warnings'
import { PullEngine, type PullResult } from './pull'
import { adoptPulls } from './run-parts'
import { runAccountOf } from './run-account'

export interface PlanRequest {
  environment: EnvironmentConfig
  settings: PushSettings
  source: RowSource
  profileName?: string
  account?: string
  signal?: AbortSignal
  /** The plan's run and plan ids come with every report, so a caller can follow this plan. */
  onProgress?: (progress: {
    runId: number
    planId: number
    rows: number
    elapsedMs: number
  }) => void
}

export interface PlanResult {
  planId: number
  runId: number
  counts: Record<PlanAction, number>
  /** The mapping used (the one given, or the automatic one). */
  settings: PushSettings
  /** Source columns that map to nothing (shown in the preview, never silently dropped). */
  unmapped: string[]
  /** What the admin should look at before applying (a column cleared in many rows). */
  warnings: string[]
  durationMs: number
}

/** Rows per transaction while writing plan items. */
const ITEMS_PER_TRANSACTION = 2000
/** Source rows whose records are looked up in the mirror with one statement. */
const ROWS_PER_LOOKUP = 500

/**
 * Computes a plan without writing to Dataverse: the target mirror is brought up to date with a
 * delta pull (cheap), then every source row is compared with it. The plan and its items are
 * stored, so the admin can review and exclude rows before anything is applied.
 */
export class PlanEngine {
  constructor(private readonly deps: { store: Store; client: DataverseClient }) {}

  async run(request: PlanRequest): Promise<PlanResult> {
    try {
      return await this.plan(request)
    } catch (err) {
      // A full or read-only data folder says so, naming it (not "SQLITE_FULL" and a stack).
      throw storageError(err, this.deps.store.folder) ?? err
    }
  }

  private async plan(request: PlanRequest): Promise<PlanResult> {
    const { store, client } = this.deps
    const started = performance.now()
    // The plan's own figures, not the client's since it was made (a CLI session or the app).
    const figuresBefore = client.metrics.snapshot()
    const table = await client.metadata.getTable(request.settings.table)
    const description = await request.source.describe()
    const settings: PushSettings = {
      ...request.settings,
      table: table.logicalName,
      mapping: request.settings.mapping.length
        ? request.settings.mapping
        : autoMap(description.columns, table)
    }
    const lookupTables = new Map<string, TableDetails>()
    for (const m of settings.mapping) {
      const column = table.columns.find((c) => c.logicalName === m.target.toLowerCase())
      const target =
        m.lookup?.table ?? (column?.targets?.length === 1 ? column.targets[0] : undefined)
      if (target && !lookupTables.has(target))
        lookupTables.set(target, await client.metadata.getTable(target))
    }
    const mapping = resolveMapping(settings, table, lookupTables, description.columns)
    const { mirrors, pulls } = await this.freshMirrors(
      request,
      table,
      mapping.columns.map((c) => jsonPropertyOf(c.column)),
      lookupTables
    )

    const runId = store.runs.start({
      kind: 'plan',
      mode: settings.mode,
      environmentId: request.environment.id,
      environmentName: request.environment.name,
      tableName: table.logicalName,
      profileName: request.profileName ?? null,
      account: request.account ?? runAccountOf(request.environment),
      details: { settings, source: description }
    })
    const parts = adoptPulls(store, pulls, runId)
    const bulk =
      settings.strategy === 'auto' || settings.strategy === 'bulk'
        ? await client.metadata.bulkSupport(table.logicalName)
        : false
    const planId = store.plans.create({
      runId,
      environmentId: request.environment.id,
      table: table.logicalName,
      settings,
      details: { table, bulk }
    })
    const seq = { next: 1 }
    try {
      const report = (rows: number): void =>
        request.onProgress?.({
          runId,
          planId,
          rows,
          elapsedMs: Math.round(performance.now() - started)
        })
      const { unreadable, clears, rows } = await this.planRows(
        request,
        planId,
        seq,
        mapping,
        settings,
        mirrors,
        report
      )
      if (settings.missing !== 'ignore') {
        const write = store.db.transaction((items: NewPlanItem[]) =>
          items.forEach((i) => store.plans.addItem(planId, i))
        )
        let batch: NewPlanItem[] = []
        const missing = planMissing(
          mirrors.target,
          settings.missing,
          table,
          () => seq.next++,
          unreadable
        )
        for (const item of missing) {
          batch.push(item)
          if (batch.length === ITEMS_PER_TRANSACTION) {
            write(batch)
            batch = []
          }
        }
        write(batch)
      }
      const counts = this.count(planId)
      store.plans.setCounts(planId, counts)
      store.runs.progress(runId, counts, client.metrics.since(figuresBefore))
      const warnings = clears.warnings(rows, settings.clearWarningPercent)
      store.runs.finish(runId, 'completed', null, {
        settings,
        source: description,
        planId,
        pulls: parts,
        ...(warnings.length ? { warnings } : {})
      })
      const mapped = new Set(mapping.columns.flatMap((c) => c.lookup?.sourceColumns ?? [c.source]))
      return {
        planId,
        runId,
        counts,
        settings,
        unmapped: description.columns.filter((c) => !mapped.has(c)),
        warnings,
        durationMs: Math.round(performance.now() - started)
      }
    } catch (caught) {
      const err = storageError(caught, store.folder) ?? caught
      recordIfPossible(store.folder, () =>
        store.runs.finish(
          runId,
          (err as Error).name === 'CancelledError' ? 'cancelled' : 'failed',
          (err as Error).message
        )
      )
      throw err
    } finally {
      store.db.exec('DROP TABLE IF EXISTS temp.plan_seen')
    }
  }

  private async planRows(
    request: PlanRequest,
    planId: number,
    seq: { next: number },
    mapping: ReturnType<typeof resolveMapping>,
    settings: PushSettings,
    mirrors: PlanMirrors,
    report: (rows: number) => void
  ): Promise<{ unreadable: UnreadableKeys; clears: ClearWarnings; rows: number }> {
    const { store } = this.deps
    store.db.exec(
      'DROP TABLE IF EXISTS temp.plan_seen; CREATE TEMP TABLE plan_seen (id TEXT PRIMARY KEY)'
    )
    const markSeen = store.db.prepare('INSERT OR IGNORE INTO temp.plan_seen (id) VALUES (?)')
    const firstRowOfKey = new Map<string, { seq: number; row: number; flagged: boolean }>()
    const unreadable = new UnreadableKeys()
    const clears = new ClearWarnings()
    let batch: NewPlanItem[] = []
    const flush = store.db.transaction((items: NewPlanItem[]) => {
      for (const item of items) store.plans.addItem(planId, item)
    })
    let rows = 0
    let chunk: SourceRow[] = []
    const planChunk = async (): Promise<void> => {
      const target = prefetchByKey(mirrors.target, chunk, mapping, settings)
      await readRemoteParents(
        chunk,
        target.found,
        mapping,
        settings,
        mirrors.lookups,
        request.signal
      )
      const rowMirrors = { target, lookups: mirrors.lookups }
      for (const source of chunk) planOne(source, rowMirrors)
      chunk = []
    }
    const planOne = (source: SourceRow, rowMirrors: RowMirrors): void => {
      const planned = planRow(source, seq.next++, mapping, settings, rowMirrors)
      // Matched ids are only needed to find the records missing from the source.
      if (planned.matchedId && settings.missing !== 'ignore') markSeen.run(planned.matchedId)
      if (planned.keyUnreadable) unreadable.add(source.row)
      const { item } = planned
      clears.add(item)
      if (planned.duplicateKey !== null) {
        const first = firstRowOfKey.get(planned.duplicateKey)
        if (!first) {
          firstRowOfKey.set(planned.duplicateKey, {
            seq: item.seq,
            row: source.row,
            flagged: false
          })
        } else {
          // Two rows with one key: neither may silently win, so both become errors.
          item.action = 'error'
          item.payload = null
          item.error = `Row ${source.row} (${source.location}) has the same key (${item.key}) as row ${first.row}; rows with the same key can't both be applied. Remove one of them.`
          if (!first.flagged) {
            first.flagged = true
            const message = `Row ${first.row} has the same key as row ${source.row} (${item.key}; keys compare without regard to case); rows with the same key can't both be applied. Remove one of them.`
            const pending = batch.find((b) => b.seq === first.seq)
            if (pending) Object.assign(pending, { action: 'error', payload: null, error: message })
            else store.plans.markError(planId, first.seq, message)
          }
        }
      }
      batch.push(item)
      rows += 1
      if (batch.length === ITEMS_PER_TRANSACTION) {
        flush(batch)
        batch = []
        report(rows)
      }
    }
    for await (const source of request.source.rows(
      request.signal ? { signal: request.signal } : {}
    )) {
      chunk.push(source)
      if (chunk.length === ROWS_PER_LOOKUP) await planChunk()
    }
    await planChunk()
    flush(batch)
    report(rows)
    return { unreadable, clears, rows }
  }

  /** Delta pulls so the preview is exact: the target table, and lookup tables already mirrored. */
  private async freshMirrors(
    request: PlanRequest,
    table: TableDetails,
    needed: string[],
    lookupTables: ReadonlyMap<string, TableDetails>
  ): Promise<{ mirrors: PlanMirrors; pulls: PullResult[] }> {
    const { store, client } = this.deps
    const pull = new PullEngine({ store, client })
    const existing = store.mirrors.find(request.environment.id, table.logicalName)
    const columns = existing ? [...new Set([...existing.columns, ...needed])] : undefined
    const pulls: PullResult[] = []
    const run = async (...args: Parameters<PullEngine['run']>): Promise<void> => {
      pulls.push(await pull.run(...args))
    }
    await run({
      environment: request.environment,
      table: table.logicalName,
      ...(columns ? { columns } : {}),
      ...(request.signal ? { signal: request.signal } : {})
    })
    const target = store.mirrors.rows(
      store.mirrors.find(request.environment.id, table.logicalName)!
    )
    const lookups = new Map<string, LookupRecords>()
    for (const [name, details] of lookupTables) {
      const mirror = store.mirrors.find(request.environment.id, name)
      // Nobody pulled it: read just the keys the source uses from Dataverse (RemoteKeyLookup).
      if (!mirror) {
        lookups.set(name, new RemoteKeyLookup(client, details))
        continue
      }
      await run({
        environment: request.environment,
        table: name,
        ...(request.signal ? { signal: request.signal } : {})
      })
      lookups.set(name, store.mirrors.rows(store.mirrors.find(request.environment.id, name)!))
    }
    return { mirrors: { target, lookups }, pulls }
  }

  private count(planId: number): Record<PlanAction, number> {
    const counts = zeroPlanCounts()
    for (const r of this.deps.store.plans.actionCounts(planId)) counts[r.action] = r.total
    return counts
  }
}
