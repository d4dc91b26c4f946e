/**
 * Just enough JWT reading to tell an access token from garbage and to know when it expires: the
 * layer never verifies signatures (Dataverse does), it only refuses to send what can't be a
 * token, and avoids sending one that has already expired.
 */
export interface JwtShape {
  /** Expiry, epoch seconds, when the token says. */
  exp?: number
}

const PART = /^[A-Za-z0-9_-]+$/

/** The claims of a JWT-shaped string (header.payload.signature, JSON header and payload). */
export function readJwt(token: string): JwtShape | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  const [header, payload] = parts
  if (!header || !payload || !PART.test(header) || !PART.test(payload)) return undefined
  if (parts[2] !== '' && !PART.test(parts[2] ?? '')) return undefined
  const head = decodeJson(header)
  const claims = decodeJson(payload)
  if (!head || typeof head['alg'] !== 'string' || !claims) return undefined
  return typeof claims['exp'] === 'number' ? { exp: claims['exp'] } : {}
}

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** msal renews 300 s before expiry (msal-offline.md Q2); the other token sources do the same. */
export const RENEW_BEFORE_EXPIRY_S = 300
