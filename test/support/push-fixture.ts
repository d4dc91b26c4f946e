import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'csv-stringify/sync'
import type { PushSettings } from '../../src-shared/model/push'
import { openFileSource } from '../../src-main/sources/index'
import { ApplyEngine, type ApplyRequest } from '../../src-main/sync/apply'
import { PlanEngine } from '../../src-main/sync/plan'
import { parseMapping, pushSettings } from '../../src-main/sync/push-settings'
import { pullFixture, type PullFixture } from './pull-fixture'
import type { Harness } from './sandbox-harness'

/**
 * A push test's product side: the pull fixture plus the plan and apply engines, and a helper that
 * writes a CSV file and plans it — the way `dvsync plan --source file.csv` does.
 */
export interface PushFixture extends PullFixture {
  csv(name: string, rows: Record<string, unknown>[]): string
  plan(
    file: string,
    settings: Partial<PushSettings> & { table: string; map?: string }
  ): ReturnType<PlanEngine['run']>
  apply(planId: number, options?: Partial<ApplyRequest>): ReturnType<ApplyEngine['run']>
}

export function pushFixture(harness: Harness): PushFixture {
  const base = pullFixture(harness)
  const fixture = base as PushFixture
  fixture.csv = (name, rows) => {
    const file = join(base.dataDir, name)
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))]
    writeFileSync(file, stringify(rows, { header: true, columns }))
    return file
  }
  fixture.plan = async (file, { map, ...settings }) =>
    new PlanEngine({ store: fixture.store, client: fixture.client }).run({
      environment: fixture.environment,
      settings: pushSettings({ ...settings, ...(map ? { mapping: parseMapping(map) } : {}) }),
      source: await openFileSource(file)
    })
  fixture.apply = (planId, options = {}) =>
    new ApplyEngine({ store: fixture.store, client: fixture.client }).run({
      environment: fixture.environment,
      planId,
      ...options
    })
  return fixture
}

/** Write requests (POST/PATCH/PUT/DELETE) the sandbox served, from its request statistics. */
export function writeRequests(harness: Harness): number {
  const { byRoute } = harness.sandbox.controls.stats.snapshot()
  return Object.entries(byRoute)
    .filter(([route]) => /^(POST|PATCH|PUT|DELETE) /.test(route) && !route.includes('oauth2'))
    .reduce((n, [, c]) => n + c, 0)
}
