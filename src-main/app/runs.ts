import type { RunKind, RunRecord } from '../../src-shared/model/run'
import type { RunSummary } from '../../src-shared/schemas/runs'
import type { Store } from '../store/open'

/** The run history as the screens list it (the Runs screen of issue 6 builds on this). */
export function listRuns(
  store: Store,
  filter: {
    kind?: RunKind | undefined
    environmentId?: number | undefined
    limit?: number | undefined
  }
): RunSummary[] {
  return store.runs
    .list({
      ...(filter.kind ? { kind: filter.kind } : {}),
      ...(filter.environmentId !== undefined ? { environmentId: filter.environmentId } : {}),
      limit: filter.limit ?? 50
    })
    .map(toRunSummary)
}

export function toRunSummary(run: RunRecord): RunSummary {
  return {
    runId: run.id,
    kind: run.kind,
    mode: run.mode,
    state: run.status,
    environmentName: run.environmentName,
    table: run.tableName,
    profileName: run.profileName,
    account: run.account,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    counts: { ...run.counts },
    message: run.message
  }
}
