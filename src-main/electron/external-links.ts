/**
 * Which URLs may leave the app for the system browser: https only, plus the built-in sandbox's
 * sign-in pages on the loopback interface (they are plain http by design, see
 * src-main/sandbox/README.md). Everything else is refused, so a crafted link in data can never
 * start a file:, javascript: or custom-protocol handler.
 */
export function isAllowedExternalUrl(
  raw: string,
  loopbackOrigins: readonly string[] = []
): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  if (url.protocol === 'https:') return true
  if (url.protocol === 'http:' && url.hostname === '127.0.0.1') {
    return loopbackOrigins.includes(url.origin)
  }
  return false
}
