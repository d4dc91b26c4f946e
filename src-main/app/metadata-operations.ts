import type { EnvironmentConfig } from '../../src-shared/model/environment'
import type { KeyInfo } from '../../src-shared/model/metadata'
import type { MetadataClient } from '../dataverse/metadata'
import type { Store } from '../store/open'
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

/** A key by schema or logical name, or NOT_FOUND naming the keys the table has. */
async function existingKey(
  metadata: MetadataClient,
  table: string,
  name: string
): Promise<KeyInfo> {
  const wanted = name.trim().toLowerCase()
  const keys = await metadata.getKeys(table)
  const key = keys.find(
    (k) => k.schemaName.toLowerCase() === wanted || k.logicalName.toLowerCase() === wanted
  )
  if (!key)
    throw new AppError(
      'NOT_FOUND',
      `Table '${table}' has no alternate key '${name}'. Its keys: ${keys.map((k) => k.schemaName).join(', ') || 'none'}.`,
      'key'
    )
  return key
}

/** Deletes an alternate key (a Pending or InProgress index job is cancelled with it). */
export async function deleteAlternateKey(
  metadata: MetadataClient,
  table: string,
  name: string
): Promise<KeyInfo> {
  const key = await existingKey(metadata, table, name)
  await metadata.deleteKey(table, key.logicalName)
  return key
}

/**
 * Queues a new index job for a key whose index failed (ReactivateEntityKey). Only a Failed key:
 * an Active one needs nothing, and one still building is already being built.
 */
export async function reactivateAlternateKey(
  metadata: MetadataClient,
  table: string,
  name: string
): Promise<KeyInfo | undefined> {
  const key = await existingKey(metadata, table, name)
  if (key.status !== 'Failed')
    throw new AppError(
      'PRECONDITION',
      `Key ${key.schemaName} is ${key.status}; only a key whose index failed can be reactivated.`,
      'key'
    )
  await metadata.reactivateKey(table, key.logicalName)
  return findKey(metadata, table, key.schemaName)
}

export interface KeyDuplicates {
  key: KeyInfo
  /** When the mirror was last pulled: the duplicates are as of then. */
  mirroredAt: string | null
  duplicates: { values: unknown[]; records: number; ids: string[] }[]
}

/**
 * The values that made a key's index fail: the records of the table's mirror that share the
 * key's columns. Read from the mirror (no request per record); it says when it was pulled.
 * `howToPull` ends the message when there is no mirror: the CLI names its command, the app its
 * button.
 */
export async function keyDuplicates(
  metadata: MetadataClient,
  store: Store,
  environment: Pick<EnvironmentConfig, 'id' | 'name'>,
  table: string,
  name: string,
  limit = 50,
  howToPull = `Pull it first: dvsync pull --env ${environment.name} --table ${table}`
): Promise<KeyDuplicates> {
  const key = await existingKey(metadata, table, name)
  const mirror = store.mirrors.find(environment.id, table.trim().toLowerCase())
  if (!mirror)
    throw new AppError(
      'PRECONDITION',
      `Table '${table}' is not mirrored, so its duplicates can't be listed here. ${howToPull}`
    )
  const missing = key.columns.filter(
    (c) => !mirror.columns.includes(c) && !mirror.columns.includes(`_${c}_value`)
  )
  if (missing.length)
    throw new AppError(
      'PRECONDITION',
      `The mirror of '${table}' has no column ${missing.join(', ')}; pull it with those columns (or all columns) first.`
    )
  const columns = key.columns.map((c) => (mirror.columns.includes(c) ? c : `_${c}_value`))
  return {
    key,
    mirroredAt: mirror.lastPullAt,
    duplicates: store.mirrors.rows(mirror).duplicates(columns, limit)
  }
}
