import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * PKCE, RFC 7636. The sandbox requires S256 from public clients (msal-node always sends it,
 * msal-offline.md "Authorize params sent"); `plain` would let a stolen code be redeemed.
 */

/** RFC 7636 §4.1: 43–128 characters of [A-Z a-z 0-9 - . _ ~]. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/
/** base64url of a SHA-256 digest, no padding: always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/

export const isValidChallenge = (challenge: string): boolean => S256_CHALLENGE.test(challenge)

export const s256 = (verifier: string): string =>
  createHash('sha256').update(verifier, 'ascii').digest('base64url')

export function verifyS256(verifier: string, challenge: string): boolean {
  if (!VERIFIER.test(verifier)) return false
  const expected = Buffer.from(challenge, 'ascii')
  const actual = Buffer.from(s256(verifier), 'ascii')
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
