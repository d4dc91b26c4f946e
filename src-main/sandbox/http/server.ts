import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FaultInjector } from '../control/faults'
import type { ServiceProtection } from '../control/limits'
import type { StatsRecorder } from '../control/stats'
import type { IdentityProvider } from '../identity/provider'
import type { SandboxState } from '../state'
import { handleApi } from './api'
import type { ApiResponse } from './api-types'
import { ODataError, errors } from './errors'
import { errorResponse } from './responses'

/** Bodies above this are refused with 413 (the service's own limit is not documented, §10.12). */
export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024

/**
 * Request line plus headers. Node's default (16 KiB) answers a long $filter with a bare 431
 * before the API sees it; Dataverse takes URLs up to 64 KiB inside $batch (§5.1) and long filters
 * outside it, so the sandbox allows a 64 KiB URL plus ordinary headers (chosen; not documented).
 */
const MAX_HEADER_BYTES = 72 * 1024

export interface ServerParts {
  state: SandboxState
  identity: IdentityProvider
  faults: FaultInjector
  limits: ServiceProtection
  stats: StatsRecorder
  /** Handles /_sandbox/… (admin controls); returns false for other paths. */
  admin: (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => boolean
  origin: () => string
  /** 413 above this many body bytes; DEFAULT_MAX_BODY_BYTES unless the sandbox was told otherwise. */
  maxBodyBytes?: number
}

/**
 * The sandbox's one HTTP listener: the identity provider's pages and endpoints, the admin
 * controls, and the Web API behind authentication, service protection and injected faults.
 */
export function createSandboxServer(parts: ServerParts): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
    void serve(parts, req, res).catch((err: unknown) => {
      // The last line of defence: answer in the documented shape rather than hang up.
      if (!res.headersSent)
        send(
          res,
          errorResponse(new ODataError(500, '0x80040216', `Sandbox failure: ${String(err)}`))
        )
      else res.destroy()
    })
  })
  server.keepAliveTimeout = 30_000
  return server
}

async function serve(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', parts.origin())
  if (await parts.identity.handle(req, res, url)) return
  const maxBody = parts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const body = await readBody(req, maxBody)
  if (body === undefined) {
    send(
      res,
      errorResponse(
        new ODataError(413, '0x80040203', `The request body is larger than ${maxBody} bytes.`)
      )
    )
    return
  }
  if (url.pathname.startsWith('/_sandbox/')) {
    if (!parts.admin(req, res, url, body))
      send(res, errorResponse(errors.notFoundSegment(url.pathname)))
    return
  }
  if (!url.pathname.startsWith('/api/data/')) {
    send(res, errorResponse(errors.notFoundSegment(url.pathname)))
    return
  }
  await serveApi(parts, req, res, url, body)
}

async function serveApi(
  parts: ServerParts,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string
): Promise<void> {
  const method = req.method ?? 'GET'
  const requestId = randomUUID()
  const finish = (response: ApiResponse, extra: Record<string, string> = {}): void => {
    parts.stats.record(method, url.pathname, response.status)
    send(res, {
      ...response,
      headers: { ...response.headers, ...extra, 'x-ms-service-request-id': requestId }
    })
  }
  let principal
  try {
    principal = await parts.identity.authenticate(req.headers.authorization, parts.origin())
  } catch (err) {
    finish(errorResponse(err instanceof ODataError ? err : errors.unauthorized(String(err))))
    return
  }
  const user = principal.oid
  const refused = parts.limits.admit(user)
  if (refused) {
    finish(errorResponse(refused), parts.limits.headers(user))
    return
  }
  try {
    const fault = parts.faults.pick(method, url.pathname)
    if (fault) parts.stats.fault()
    if (fault?.kind === 'drop-before') {
      parts.stats.record(method, url.pathname, 'dropped')
      req.socket.destroy()
      return
    }
    // Injected failures carry the same debug headers as every admitted response (§6.3).
    const limitHeaders = parts.limits.headers(user)
    if (fault?.kind === 'fail-500' || fault?.kind === 'fail-503') {
      finish(errorResponse(errors.serverFault(fault.kind === 'fail-500' ? 500 : 503)), limitHeaders)
      return
    }
    if (fault?.kind === 'throttle') {
      const after = fault.retryAfterSeconds ?? 1
      finish(
        errorResponse(
          errors.tooManyRequests(
            '0x80072322',
            'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
            after
          )
        ),
        limitHeaders
      )
      return
    }
    if (parts.faults.latencyMs > 0) await sleep(parts.faults.latencyMs)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    const response = handleApi(parts.state, { method, url, headers, body, principal })
    if (fault?.kind === 'drop-mid-response') {
      // The work is done and committed; only the answer is lost — the case idempotency is for.
      parts.stats.record(method, url.pathname, 'dropped')
      res.writeHead(response.status, {
        ...response.headers,
        'Content-Length': String(Buffer.byteLength(response.body ?? '') + 64)
      })
      res.write((response.body ?? '').slice(0, Math.floor((response.body ?? '').length / 2)))
      res.socket?.destroy()
      return
    }
    finish(response, parts.limits.headers(user))
  } finally {
    parts.limits.release(user)
  }
}

function send(res: ServerResponse, response: ApiResponse): void {
  const headers: Record<string, string> = { ...response.headers }
  if (response.body !== undefined)
    headers['Content-Length'] = String(Buffer.byteLength(response.body))
  res.writeHead(response.status, headers)
  res.end(response.body)
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooBig = false
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) tooBig = true
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export type { Server }
