/**
 * A key value as Dataverse compares it, for matching answers back to what was asked. Dataverse
 * compares text with the database collation of the organisation; the default ones
 * (Latin1_General_CI_AI and its kin) ignore case and accents, so 'ÜNÏ-1' and 'uni-1' are one key.
 * Numbers, booleans and the rest compare as they are.
 */
export function keyFold(value: unknown): unknown {
  if (typeof value !== 'string') return value
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
}

/** A tuple of key values folded into one string, usable as a Map key. */
export function keyTupleFold(values: readonly unknown[]): string {
  return JSON.stringify(values.map(keyFold))
}
