import { timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { SandboxControls } from './controls'

/** What `/_sandbox/info` and `dvsync sandbox --json` tell a client about this sandbox. */
export interface SandboxInfo {
  url: string
  apiBase: string
  tenantId: string
  authority: string
  tokenEndpoint: string
  clientId: string
  clientSecret: string
  publicClientId: string
  /** For MSAL: knownAuthorities entry and authorityMetadata JSON (shared/reference/msal-offline.md). */
  knownAuthority: string
  authorityMetadata: string
}

/**
 * /_sandbox/…: the admin controls of a sandbox started as its own process (`dvsync sandbox`), so
 * tests and learners can inject faults, move the clock or read request counts over HTTP. Guarded
 * by the admin key the sandbox prints at start, since other local processes can reach 127.0.0.1.
 */
export function adminRoutes(controls: SandboxControls, adminKey: string, info: () => SandboxInfo) {
  return (req: IncomingMessage, res: ServerResponse, url: URL, body: string): boolean => {
    if (!url.pathname.startsWith('/_sandbox/')) return false
    if (req.method === 'GET' && url.pathname === '/_sandbox/info') {
      // Public on purpose: how a client configures itself for this sandbox (the "one-click
      // sandbox" environment). The demo app secret is a published demo value, not a credential.
      reply(res, 200, info())
      return true
    }
    const given = Buffer.from(String(req.headers['x-sandbox-admin-key'] ?? ''))
    const expected = Buffer.from(adminKey)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      reply(res, 401, { error: 'The x-sandbox-admin-key header is missing or wrong.' })
      return true
    }
    let input: Record<string, unknown> = {}
    if (body.trim()) {
      try {
        input = JSON.parse(body) as Record<string, unknown>
      } catch {
        reply(res, 400, { error: 'The body is not valid JSON.' })
        return true
      }
    }
    const route = `${req.method} ${url.pathname}`
    try {
      switch (route) {
        case 'GET /_sandbox/status':
          reply(res, 200, controls.status())
          return true
        case 'POST /_sandbox/faults':
          reply(res, 200, controls.faults.configure(input))
          return true
        case 'POST /_sandbox/limits':
          reply(res, 200, controls.limits.configure(input))
          return true
        case 'POST /_sandbox/clock':
          controls.advanceClock(
            Number(input['advanceMs'] ?? 0) + Number(input['advanceDays'] ?? 0) * 86_400_000
          )
          reply(res, 200, controls.status())
          return true
        case 'POST /_sandbox/auth':
          if (typeof input['accessTokenLifetimeSeconds'] === 'number') {
            controls.identity.setAccessTokenLifetime(input['accessTokenLifetimeSeconds'])
          }
          if (input['revokeRefreshTokens'] === true) controls.identity.revokeRefreshTokens()
          reply(res, 200, { ok: true })
          return true
        case 'POST /_sandbox/stats/reset':
          controls.stats.reset()
          reply(res, 200, controls.stats.snapshot())
          return true
        default:
          reply(res, 404, { error: `No sandbox control at ${route}.` })
          return true
      }
    } catch (err) {
      reply(res, 400, { error: err instanceof Error ? err.message : String(err) })
      return true
    }
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text))
  })
  res.end(text)
}
