import { jsonPropertyOf, type ColumnInfo, type TableDetails } from '../../src-shared/model/metadata'
import { keyTupleFold } from '../../src-shared/odata/key-fold'
import { keyLiteral } from '../../src-shared/odata/key-literal'
import type { DataverseClient } from '../dataverse/client'
import type { MirrorRow } from '../store/repositories/mirror-rows'
import type { SourceRow } from '../sources/types'
import type { ConvertOptions } from './convert'
import type { ResolvedMapping } from './mapping'
import type { RecordLookup } from './plan-prefetch'
import { lookupKeyOf } from './plan-row'

/**
 * Longest $filter one read carries, encoded. The Web API takes GET URLs up to about 32 KB
 * (Microsoft's "Compose a query" page: longer queries go in a $batch); staying far below it
 * leaves room for proxies in between, which often stop at 8 KB.
 */
const MAX_FILTER_CHARS = 6000

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * The records of a table nobody mirrored, found by alternate key in Dataverse itself: before a
 * chunk of source rows is planned, the key values it uses that are not known yet are read in a
 * few batched queries (`$filter=(k eq 'a') or (k eq 'b')…`, only the id and key columns), so a
 * lookup compares by the id Dataverse has and a missing parent is a preview error, not a 404 at
 * apply (issue 12, item 2). Answers findByKey like a mirror does; nothing is stored.
 */
export class RemoteKeyLookup implements RecordLookup {
  /** Per key (its JSON columns): folded tuple → the record's id, or null when there is none. */
  private readonly known = new Map<string, Map<string, string | null>>()
  /** The records read, by id: their primary name and key values (for labels). */
  private readonly records = new Map<string, MirrorRow>()
  /** Ids asked for that Dataverse does not have (not asked again). */
  private readonly missingIds = new Set<string>()

  constructor(
    private readonly client: DataverseClient,
    readonly table: TableDetails
  ) {}

  /** Where a missing parent was looked for, for the row's error. */
  get checkedIn(): string {
    return 'looked up in Dataverse'
  }

  /** Reads the records of the tuples (key values in `keyColumns` order) not asked for before. */
  async resolve(
    keyColumns: readonly ColumnInfo[],
    tuples: readonly (readonly unknown[])[],
    signal?: AbortSignal
  ): Promise<void> {
    const known = this.answers(keyColumns.map(jsonPropertyOf))
    const wanted = new Map<string, string>()
    for (const tuple of tuples) {
      const fold = keyTupleFold(tuple)
      if (known.has(fold) || wanted.has(fold)) continue
      const clause = this.clause(keyColumns, tuple)
      // A value no key can hold (planRow reports why) is not asked for.
      if (clause) wanted.set(fold, clause)
    }
    if (!wanted.size) return
    for (const fold of wanted.keys()) known.set(fold, null)
    await this.read([...wanted.values()], keyColumns, signal, (row, id) => {
      const fold = keyTupleFold(keyColumns.map((c) => row[jsonPropertyOf(c)]))
      // The first record of a key, as a mirror answers; an active key has only one.
      if (known.get(fold) === null) {
        known.set(fold, id)
        this.keep(row, id)
      }
    })
  }

  /**
   * Reads the records these ids name (the parents records point at now), so a change of parent
   * shows the old one by name too; ids read before are not asked for again.
   */
  async resolveIds(ids: readonly string[], signal?: AbortSignal): Promise<void> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter(
      (id) => GUID.test(id) && !this.records.has(id) && !this.missingIds.has(id)
    )
    if (!wanted.length) return
    const active = this.table.keys.find((k) => k.status === 'Active')?.columns ?? []
    const keyColumns = this.table.columns.filter((c) => active.includes(c.logicalName))
    const clauses = wanted.map((id) => `${this.table.primaryIdAttribute} eq ${id}`)
    await this.read(clauses, keyColumns, signal, (row, id) => this.keep(row, id))
    for (const id of wanted) if (!this.records.has(id)) this.missingIds.add(id)
  }

  /** A record read: its id, primary name and key values, kept for findByKey, get and labels. */
  private keep(row: Record<string, unknown>, id: string): void {
    this.records.set(id.toLowerCase(), { id, etag: null, data: JSON.stringify(row) })
  }

  /**
   * The records matching any of the `$filter` clauses, a few GETs of them at a time, with only
   * the id, the primary name and the key columns selected.
   */
  private async read(
    clauses: readonly string[],
    keyColumns: readonly ColumnInfo[],
    signal: AbortSignal | undefined,
    onRow: (row: Record<string, unknown>, id: string) => void
  ): Promise<void> {
    const { primaryIdAttribute, primaryNameAttribute, entitySetName } = this.table
    const select = [
      ...new Set([primaryIdAttribute, primaryNameAttribute, ...keyColumns.map(jsonPropertyOf)])
    ]
      .filter(Boolean)
      .join(',')
    for (const filter of chunkFilters(clauses)) {
      const url = `${entitySetName}?$select=${select}&$filter=${encodeURIComponent(filter)}`
      for await (const page of this.client.query(url, signal ? { signal } : {})) {
        for (const row of page.rows) {
          const id = row[primaryIdAttribute]
          if (typeof id === 'string') onRow(row, id)
        }
      }
    }
  }

  /** A record read by key or by id before (so a parent moved between two shows both names). */
  get(id: string): MirrorRow | undefined {
    return this.records.get(id.toLowerCase())
  }

  findByKey(columns: readonly string[], values: readonly unknown[]): MirrorRow | undefined {
    const id = this.answers(columns).get(keyTupleFold(values))
    if (id === undefined)
      throw new Error(
        `Key ${values.join('|')} of ${this.table.logicalName} was not read before planning.`
      )
    return id === null ? undefined : this.records.get(id.toLowerCase())
  }

  private answers(columns: readonly string[]): Map<string, string | null> {
    const signature = columns.join(',')
    let map = this.known.get(signature)
    if (!map) this.known.set(signature, (map = new Map()))
    return map
  }

  private clause(keyColumns: readonly ColumnInfo[], tuple: readonly unknown[]): string | null {
    try {
      const parts = keyColumns.map((c, i) => `${jsonPropertyOf(c)} eq ${keyLiteral(c, tuple[i])}`)
      return parts.length === 1 ? parts[0]! : `(${parts.join(' and ')})`
    } catch {
      return null
    }
  }
}

/** `a or b or …` filters, each short enough for one GET. */
function* chunkFilters(clauses: readonly string[]): Generator<string> {
  let current: string[] = []
  let length = 0
  for (const clause of clauses) {
    const size = encodeURIComponent(clause).length + 8
    if (current.length && length + size > MAX_FILTER_CHARS) {
      yield current.join(' or ')
      current = []
      length = 0
    }
    current.push(clause)
    length += size
  }
  if (current.length) yield current.join(' or ')
}

/**
 * Before a chunk of source rows is planned: for each lookup to a table nobody mirrored, reads
 * from Dataverse the parents the rows name (by key; a value that can't be converted is left to
 * planRow, which reports it) and those the matched records point at now (by id), so every lookup
 * compares by the id Dataverse has and both sides of a change of parent can be named.
 */
export async function readRemoteParents(
  chunk: readonly SourceRow[],
  matched: readonly { data: string }[],
  mapping: ResolvedMapping,
  settings: ConvertOptions,
  lookups: ReadonlyMap<string, unknown>,
  signal: AbortSignal | undefined
): Promise<void> {
  const remote = mapping.columns.flatMap((col) => {
    const records = col.lookup && lookups.get(col.lookup.table.logicalName)
    return col.lookup && records instanceof RemoteKeyLookup
      ? [{ col, lookup: col.lookup, records }]
      : []
  })
  if (!remote.length) return
  const current = matched.map((r) => JSON.parse(r.data) as Record<string, unknown>)
  for (const { col, lookup, records } of remote) {
    const tuples: unknown[][] = []
    for (const row of chunk) {
      if (row.error) continue
      try {
        const tuple = lookupKeyOf(lookup, row, settings)
        if (tuple) tuples.push(tuple)
      } catch {
        // planRow converts it again and says which value is wrong.
      }
    }
    await records.resolve(lookup.keyColumns, tuples, signal)
    const property = jsonPropertyOf(col.column)
    const ids = current.map((r) => r[property]).filter((id): id is string => typeof id === 'string')
    await records.resolveIds(ids, signal)
  }
}
