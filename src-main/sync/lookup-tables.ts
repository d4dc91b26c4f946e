import type { TableDetails } from '../../src-shared/model/metadata'
import type { ColumnMapping } from '../../src-shared/model/push'
import type { MetadataClient } from '../dataverse/metadata'

/**
 * The tables a mapping's lookups point at (the one named, or the column's only target), read
 * once each: resolveMapping needs their keys to find referenced records.
 */
export async function lookupTablesOf(
  mapping: readonly ColumnMapping[],
  table: TableDetails,
  metadata: Pick<MetadataClient, 'getTable'>
): Promise<Map<string, TableDetails>> {
  const tables = new Map<string, TableDetails>()
  for (const m of mapping) {
    const column = table.columns.find((c) => c.logicalName === m.target.toLowerCase())
    const target =
      m.lookup?.table ?? (column?.targets?.length === 1 ? column.targets[0] : undefined)
    if (target && !tables.has(target)) tables.set(target, await metadata.getTable(target))
  }
  return tables
}
