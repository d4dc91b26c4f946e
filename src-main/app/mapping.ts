import type { TableDetails } from '../../src-shared/model/metadata'
import type { ColumnMapping, MatchKey, PushSettings } from '../../src-shared/model/push'
import type { FieldProblem } from '../../src-shared/schemas/push'
import { lookupTablesOf } from '../sync/lookup-tables'
import { autoMap, mappingProblems } from '../sync/mapping'
import type { EnvironmentsService } from './environments'
import type { Services } from './services'

export interface MappingDeps {
  services: Services
  environments: EnvironmentsService
}

/** Table metadata is read again after this long (a key may have become Active meanwhile). */
const METADATA_TTL_MS = 15_000

/**
 * The profile editor's mapping help: suggestions by name (autoMap) and every problem of a
 * mapping and key choice with its field (mappingProblems), against the table's metadata, which
 * is kept a few seconds so typing in the editor doesn't read it again for every keystroke.
 */
export class MappingService {
  private readonly cache = new Map<string, { at: number; table: Promise<TableDetails> }>()

  constructor(private readonly deps: MappingDeps) {}

  async table(environmentId: number, table: string): Promise<TableDetails> {
    const key = `${environmentId}:${table}`
    const cached = this.cache.get(key)
    if (cached && performance.now() - cached.at < METADATA_TTL_MS) return cached.table
    const environment = await this.deps.environments.ready(environmentId)
    const details = this.deps.services.client(environment).metadata.getTable(table)
    this.cache.set(key, { at: performance.now(), table: details })
    details.catch(() => this.cache.delete(key))
    return details
  }

  async suggest(
    environmentId: number,
    table: string,
    sourceColumns: readonly string[]
  ): Promise<{ mapping: ColumnMapping[]; key: MatchKey | null; unmatched: string[] }> {
    const details = await this.table(environmentId, table)
    const mapping = autoMap(sourceColumns, details)
    const mapped = new Set(mapping.map((m) => m.target))
    const key = details.keys.find(
      (k) => k.status === 'Active' && k.columns.every((c) => mapped.has(c))
    )
    const used = new Set(mapping.map((m) => m.source))
    return {
      mapping,
      key: key ? { kind: 'alternate', name: key.logicalName, columns: [...key.columns] } : null,
      unmatched: sourceColumns.filter((c) => !used.has(c))
    }
  }

  /** Every problem of the mapping and key, `mapping.N.source`-style fields; [] when it works. */
  async problems(
    environmentId: number,
    settings: Pick<PushSettings, 'table' | 'key' | 'mapping'>,
    sourceColumns: readonly string[]
  ): Promise<FieldProblem[]> {
    const details = await this.table(environmentId, settings.table)
    const mapping = settings.mapping.length ? settings.mapping : autoMap(sourceColumns, details)
    const lookups = new Map<string, TableDetails>()
    for (const m of mapping) {
      // A lookup naming a table that doesn't exist is that entry's problem, not the whole check's.
      const found = await lookupTablesOf([m], details, {
        getTable: (name) => this.table(environmentId, name)
      }).catch(() => new Map<string, TableDetails>())
      for (const [name, t] of found) lookups.set(name, t)
    }
    const problems = mappingProblems(
      { mapping, key: settings.key },
      details,
      lookups,
      sourceColumns
    )
    if (settings.mapping.length === 0 && mapping.length === 0)
      problems.unshift({
        field: 'mapping',
        message: `No source column matches a column of ${details.logicalName} by name; map at least the key's columns.`
      })
    return problems
  }
}
