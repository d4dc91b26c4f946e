/**
 * Where the client gets bearer tokens. The sign-in layer (src-main/auth) provides the real ones;
 * the client only asks, and asks again with forceRefresh after a 401 (reference §9).
 */
export interface TokenSource {
  getToken(options?: { forceRefresh?: boolean }): Promise<string>
}

/** A token source over a function, e.g. the sandbox's client credentials in tests. */
export function tokenSourceFrom(get: (forceRefresh: boolean) => Promise<string>): TokenSource {
  return { getToken: (options) => get(options?.forceRefresh ?? false) }
}
