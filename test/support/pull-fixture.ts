import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { DataverseClient } from '../../src-main/dataverse/client'
import { tokenSourceFrom } from '../../src-main/dataverse/token-source'
import type { TransportOptions } from '../../src-main/dataverse/transport'
import { openStore, type Store } from '../../src-main/store/open'
import { PullEngine } from '../../src-main/sync/pull'
import type { Harness } from './sandbox-harness'

/**
 * The product side of a sync test: a real data folder (SQLite file), an environment pointing at
 * the harness's sandbox, the Dataverse client and the pull engine. Tokens come from the
 * sandbox's client credentials (the sign-in layer is tested on its own).
 */
export interface PullFixture {
  dataDir: string
  store: Store
  environment: EnvironmentConfig
  client: DataverseClient
  engine: PullEngine
  /** Lets another process use the data folder (a child pull). */
  release(): void
  /** Opens the data folder again after another process used it. */
  reopen(): void
  close(): void
}

export function pullFixture(
  harness: Harness,
  transport: Partial<TransportOptions> = {}
): PullFixture {
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-test-'))
  const store = openStore(dataDir)
  const environment = store.environments.add({
    name: 'sandbox',
    url: harness.sandbox.url,
    authKind: 'sandbox'
  })
  const client = new DataverseClient({
    environmentUrl: harness.sandbox.url,
    tokens: tokenSourceFrom(() => harness.sandbox.appToken()),
    baseDelayMs: 5,
    maxDelayMs: 50,
    ...transport
  })
  const fixture: PullFixture = {
    dataDir,
    store,
    environment,
    client,
    engine: new PullEngine({ store, client }),
    release() {
      fixture.store.close()
    },
    reopen() {
      fixture.store = openStore(dataDir)
      fixture.engine = new PullEngine({ store: fixture.store, client })
    },
    close() {
      if (fixture.store.db.open) fixture.store.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  return fixture
}

/** Every row of a table as the sandbox serves it now, by id, with the mirror's columns. */
export async function sandboxRows(
  harness: Harness,
  entitySet: string,
  primaryId: string,
  columns: string[]
): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>()
  let url: string | undefined = `${entitySet}?$select=${columns.join(',')}`
  while (url) {
    const page = await harness.api('GET', url, { headers: { Prefer: 'odata.maxpagesize=5000' } })
    for (const row of page.json.value as Record<string, unknown>[]) {
      const values: Record<string, unknown> = {}
      for (const [k, v] of Object.entries(row)) if (!k.includes('@')) values[k] = v
      rows.set(String(row[primaryId]), values)
    }
    url = page.json['@odata.nextLink']
  }
  return rows
}

/** The mirror's rows by id, parsed. */
export function mirrorRows(
  fixture: PullFixture,
  table: string
): Map<string, Record<string, unknown>> {
  const mirror = fixture.store.mirrors.find(fixture.environment.id, table)
  const rows = new Map<string, Record<string, unknown>>()
  if (!mirror) return rows
  for (const row of fixture.store.mirrors.rows(mirror).iterate())
    rows.set(row.id, JSON.parse(row.data) as Record<string, unknown>)
  return rows
}
