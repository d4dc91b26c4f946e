import { describe, expect, it } from 'vitest'
import { CacheIntegrityError, newKey, open, seal } from '../../../src-main/auth/cache-crypto'

/** AES-256-GCM sealing of the token cache (node:crypto): what opens and what must not. */
describe('cache-crypto', () => {
  const key = newKey()
  const cache = JSON.stringify({ RefreshToken: { a: { secret: 'rt-secret-value' } } })

  it('round-trips, and never writes the plaintext', () => {
    const sealed = seal(cache, key, 'token-cache-1.json')
    expect(sealed).not.toContain('rt-secret-value')
    expect(sealed).not.toContain('RefreshToken')
    expect(open(sealed, key, 'token-cache-1.json')).toBe(cache)
  })

  it('uses a fresh IV for every write', () => {
    const ivs = new Set(
      Array.from({ length: 20 }, () => (JSON.parse(seal(cache, key, 'f')) as { iv: string }).iv)
    )
    expect(ivs.size).toBe(20)
  })

  const refusals: [string, (sealed: string) => [string, Buffer, string]][] = [
    ['another key', (s) => [s, newKey(), 'f']],
    ['another file name (copied over another cache)', (s) => [s, key, 'g']],
    ['a flipped ciphertext bit', (s) => [flip(s, 'data'), key, 'f']],
    ['a flipped tag bit', (s) => [flip(s, 'tag'), key, 'f']],
    ['a flipped IV bit', (s) => [flip(s, 'iv'), key, 'f']],
    ['truncation', (s) => [s.slice(0, s.length / 2), key, 'f']],
    ['plain MSAL JSON', () => [cache, key, 'f']],
    ['an unknown version', (s) => [s.replace('"version":1', '"version":2'), key, 'f']]
  ]
  it.each(refusals)('refuses %s with CacheIntegrityError', (_, tamper) => {
    const [sealed, k, label] = tamper(seal(cache, key, 'f'))
    expect(() => open(sealed, k, label)).toThrow(CacheIntegrityError)
  })

  it('insists on a 256-bit key', () => {
    expect(() => seal(cache, Buffer.alloc(16), 'f')).toThrow(/256 bits/)
  })
})

function flip(sealed: string, field: 'data' | 'tag' | 'iv'): string {
  const envelope = JSON.parse(sealed) as Record<string, string>
  const bytes = Buffer.from(envelope[field] ?? '', 'base64')
  bytes[0] = (bytes[0] ?? 0) ^ 1
  return JSON.stringify({ ...envelope, [field]: bytes.toString('base64') })
}
