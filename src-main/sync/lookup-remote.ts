import { jsonPropertyOf, type ColumnInfo, type TableDetails } from '../../src-shared/model/metadata'
import { keyTupleFold } from '../../src-shared/odata/key-fold'
import { keyLiteral } from '../../src-shared/odata/key-literal'
import type { DataverseClient } from '../dataverse/client'
import type { MirrorRow } from '../store/repositories/mirror-rows'
import type { RecordLookup } from './plan-prefetch'

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
    const select = [
      ...new Set([
        this.table.primaryIdAttribute,
        this.table.primaryNameAttribute,
        ...keyColumns.map(jsonPropertyOf)
      ])
    ]
      .filter(Boolean)
      .join(',')
    for (const filter of chunkFilters([...wanted.values()])) {
      const url = `${this.table.entitySetName}?$select=${select}&$filter=${encodeURIComponent(filter)}`
      for await (const page of this.client.query(url, signal ? { signal } : {})) {
        for (const row of page.rows) {
          const fold = keyTupleFold(keyColumns.map((c) => row[jsonPropertyOf(c)]))
          const id = row[this.table.primaryIdAttribute]
          // The first record of a key, as a mirror answers; an active key has only one.
          if (known.get(fold) === null && typeof id === 'string') {
            known.set(fold, id)
            this.records.set(id.toLowerCase(), { id, etag: null, data: JSON.stringify(row) })
          }
        }
      }
    }
  }

  /** A record read by key before (so a lookup moved between two parents shows both names). */
  /**
   * Reads the records these ids name (the parents records point at now), so a change of parent
   * shows the old one by name too; ids read before are not asked for again.
   */
  async resolveIds(ids: readonly string[], signal?: AbortSignal): Promise<void> {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))].filter(
      (id) => GUID.test(id) && !this.records.has(id) && !this.missingIds.has(id)
    )
    if (!wanted.length) return
    const keys = this.table.keys.find((k) => k.status === 'Active')?.columns ?? []
    const select = [
      ...new Set([this.table.primaryIdAttribute, this.table.primaryNameAttribute, ...keys])
    ]
      .filter(Boolean)
      .join(',')
    for (const filter of chunkFilters(
      wanted.map((id) => `${this.table.primaryIdAttribute} eq ${id}`)
    )) {
      const url = `${this.table.entitySetName}?$select=${select}&$filter=${encodeURIComponent(filter)}`
      for await (const page of this.client.query(url, signal ? { signal } : {})) {
        for (const row of page.rows) {
          const id = row[this.table.primaryIdAttribute]
          if (typeof id === 'string')
            this.records.set(id.toLowerCase(), { id, etag: null, data: JSON.stringify(row) })
        }
      }
    }
    for (const id of wanted) if (!this.records.has(id)) this.missingIds.add(id)
  }

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
