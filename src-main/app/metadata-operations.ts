import type { KeyInfo } from '../../src-shared/model/metadata'
import type { MetadataClient } from '../dataverse/metadata'
import { AppError } from './errors'

/**
 * The two metadata changes a sync needs (reference §1.1, §2.5), for `dvsync tracking enable` /
 * `dvsync key create` and the app's Tables screen alike.
 */

/** Turns change tracking on unless it is on already; it can never be turned off again. */
export async function enableChangeTracking(
  metadata: MetadataClient,
  table: string
): Promise<{ changed: boolean }> {
  const details = await metadata.getTable(table)
  if (details.changeTrackingEnabled) return { changed: false }
  if (!details.canChangeTrackingBeEnabled)
    throw new AppError(
      'PRECONDITION',
      `Dataverse does not allow change tracking on '${table}' (CanChangeTrackingBeEnabled is false).`
    )
  await metadata.enableChangeTracking(table)
  return { changed: true }
}

export interface NewKey {
  schemaName: string
  displayName?: string | undefined
  columns: string[]
}

/** The key with this schema name, as Dataverse reports it now (its index status included). */
export async function findKey(
  metadata: MetadataClient,
  table: string,
  schemaName: string
): Promise<KeyInfo | undefined> {
  const wanted = schemaName.toLowerCase()
  return (await metadata.getKeys(table)).find((k) => k.schemaName.toLowerCase() === wanted)
}

/** Creates an alternate key; it starts Pending while Dataverse builds its index. */
export async function createAlternateKey(
  metadata: MetadataClient,
  table: string,
  key: NewKey
): Promise<KeyInfo | undefined> {
  if (key.columns.length === 0)
    throw new AppError('INVALID_INPUT', 'A key needs at least one column.', 'columns')
  await metadata.createKey(table, {
    schemaName: key.schemaName,
    columns: key.columns,
    ...(key.displayName ? { displayName: key.displayName } : {})
  })
  return findKey(metadata, table, key.schemaName)
}

export const isKeyBuilding = (key: Pick<KeyInfo, 'status'>): boolean =>
  key.status === 'Pending' || key.status === 'InProgress'

/** What a Failed index means and what to do about it (reference §2.4). */
export function keyFailureAdvice(key: Pick<KeyInfo, 'schemaName' | 'columns'>): string {
  return `The index of key ${key.schemaName} failed: the table holds records with the same ${key.columns.join(' + ')}. Remove the duplicates, then reactivate the key.`
}
