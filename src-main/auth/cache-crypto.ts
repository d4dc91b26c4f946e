import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * AES-256-GCM sealing of the MSAL token cache (node:crypto, no hand-made crypto): a fresh 96-bit
 * IV per write, a 128-bit tag, and the file's purpose and name as additional authenticated data,
 * so a cache file copied over another (or edited by hand) fails authentication instead of being
 * loaded. The envelope is JSON so a person opening the file sees what it is, but no token.
 */

export const KEY_BYTES = 32
const IV_BYTES = 12
const FORMAT = 'dvsync-token-cache'

export interface SealedEnvelope {
  format: typeof FORMAT
  version: 1
  alg: 'A256GCM'
  iv: string
  tag: string
  data: string
}

/** What the ciphertext is bound to: the envelope version and the cache's file name. */
const aad = (label: string): Buffer => Buffer.from(`${FORMAT}/v1/${label}`, 'utf8')

export function seal(plaintext: string, key: Buffer, label: string): string {
  assertKey(key)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(aad(label))
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const envelope: SealedEnvelope = {
    format: FORMAT,
    version: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64')
  }
  return `${JSON.stringify(envelope)}\n`
}

/** Thrown for anything that is not an intact envelope sealed with this key for this label. */
export class CacheIntegrityError extends Error {
  override name = 'CacheIntegrityError'
}

export function open(sealed: string, key: Buffer, label: string): string {
  assertKey(key)
  let envelope: Partial<SealedEnvelope>
  try {
    envelope = JSON.parse(sealed) as Partial<SealedEnvelope>
  } catch {
    throw new CacheIntegrityError('not a sealed token cache (invalid JSON)')
  }
  if (envelope.format !== FORMAT || envelope.version !== 1 || envelope.alg !== 'A256GCM')
    throw new CacheIntegrityError('not a sealed token cache (unknown format or version)')
  const iv = b64(envelope.iv)
  const tag = b64(envelope.tag)
  const data = b64(envelope.data)
  if (!iv || iv.length !== IV_BYTES || !tag || tag.length !== 16 || !data)
    throw new CacheIntegrityError('sealed token cache with a malformed IV, tag or payload')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(aad(label))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')
  } catch {
    throw new CacheIntegrityError(
      'the token cache failed authentication (changed on disk, or sealed with another key)'
    )
  }
}

function b64(value: unknown): Buffer | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) return undefined
  return Buffer.from(value, 'base64')
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new RangeError('The token cache key must be 256 bits.')
}

export const newKey = (): Buffer => randomBytes(KEY_BYTES)
