import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, beforeAll, expect } from 'vitest'
import { DataverseClient } from '../../src-main/dataverse/client'
import { DataverseError } from '../../src-main/dataverse/errors'
import type { TransportEvent, TransportOptions } from '../../src-main/dataverse/transport'

/**
 * A server that answers as the test scripts it — wrong content types, bodies cut short, pages of
 * 50 MB, endless bodies, redirects, links to other hosts, bodies that echo the request's
 * Authorization header, a byte every 100 ms — on 127.0.0.1. With `upstream`, requests the script
 * leaves alone are forwarded to it (the sandbox), its answers rewritten to this origin the way a
 * reverse proxy does, so a whole CLI run can go through it and only some answers are hostile.
 */

export interface HostileRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Upstream {
  status: number
  headers: Record<string, string>
  body: string
}

/** Writes the answer itself; `forward()` fetches the upstream one (or fails without upstream). */
export type Script = (
  request: HostileRequest,
  res: ServerResponse,
  forward: () => Promise<Upstream>
) => void | Promise<void>

export interface Seen {
  method: string
  url: string
  /** Whether an Authorization header arrived (its value is never kept). */
  authorization: boolean
}

export interface HostileServer {
  url: string
  seen: Seen[]
  script: Script
  close(): Promise<void>
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'content-encoding'
])

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Answers with `upstream` as it is (a plain reverse proxy). */
export const passThrough: Script = async (_request, res, forward) => {
  const answer = await forward()
  res.writeHead(answer.status, {
    ...answer.headers,
    'content-length': String(Buffer.byteLength(answer.body))
  })
  res.end(answer.body)
}

export async function startHostile(
  options: { upstream?: string; script?: Script } = {}
): Promise<HostileServer> {
  let origin = ''
  const sockets = new Set<Socket>()
  const hostile: HostileServer = {
    url: '',
    seen: [],
    script: options.script ?? passThrough,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
  const server: Server = createServer((req, res) => {
    void (async () => {
      hostile.seen.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        authorization: req.headers.authorization !== undefined
      })
      const request: HostileRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: await readBody(req)
      }
      const forward = async (): Promise<Upstream> => {
        if (!options.upstream) throw new Error('no upstream')
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
            headers[name] = value
        const answer = await fetch(`${options.upstream}${request.url}`, {
          method: request.method,
          headers,
          redirect: 'manual',
          ...(request.body ? { body: request.body } : {})
        })
        const out: Upstream = {
          status: answer.status,
          headers: {},
          body: (await answer.text()).split(options.upstream).join(origin)
        }
        answer.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name)) out.headers[name] = value.split(options.upstream!).join(origin)
        })
        return out
      }
      await hostile.script(request, res, forward)
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`hostile server failure: ${String(err)}`)
    })
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  hostile.url = origin
  return hostile
}

/** Strings shaped like a JWT (three base64url parts, the header starting '{"'). */
export const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/

/** A JWT-shaped token that no service accepts, unique per call: what tests look for. */
export function fakeJwt(): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url')
  const nonce = Math.random().toString(36).slice(2)
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ aud: 'https://contoso.crm.dynamics.com', nonce })}.${Buffer.from(nonce.repeat(8)).toString('base64url')}`
}

/**
 * A hostile server for the whole test file: started before its tests, closed after them. Its
 * `server` is there once the file's tests run (set `server.script` per test).
 */
export function useHostile(options: { script?: Script } = {}): { readonly server: HostileServer } {
  const holder: { server?: HostileServer } = {}
  beforeAll(async () => {
    holder.server = await startHostile(options)
  })
  afterAll(() => holder.server?.close())
  return {
    get server(): HostileServer {
      if (!holder.server) throw new Error('The hostile server starts before the tests, not here.')
      return holder.server
    }
  }
}

export interface Probe {
  client: DataverseClient
  events: TransportEvent[]
}

export function probeOf(
  server: HostileServer,
  token: string,
  options: Partial<TransportOptions> = {}
): Probe {
  const events: TransportEvent[] = []
  const client = new DataverseClient({
    environmentUrl: server.url,
    tokens: { getToken: async () => token },
    maxAttempts: 2,
    maxConnectAttempts: 1,
    timeoutMs: 3000,
    sleep: async () => undefined,
    onEvent: (e) => events.push(e),
    ...options
  })
  return { client, events }
}

/** The error a promise rejects with; a resolution fails the test. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (err: unknown) => err
  )
  expect(outcome, 'expected an error').toBeInstanceOf(Error)
  return outcome as Error
}

/** Everything a user or a log could see of a failure: no token, nothing shaped like one. */
export function expectNoToken(token: string, err: unknown, events: TransportEvent[] = []): void {
  const seen = [
    err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err),
    JSON.stringify(err),
    err instanceof DataverseError ? err.serviceMessage : '',
    ...events.map((e) => JSON.stringify(e))
  ].join('\n')
  expect(seen).not.toContain(token)
  expect(seen).not.toMatch(JWT_SHAPED)
}

export const json = (res: ServerResponse, status: number, body: unknown, headers = {}): void => {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; odata.metadata=minimal',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}
export const page = (rows: number, next?: string) => ({
  '@odata.context': 'x',
  value: Array.from({ length: rows }, (_, i) => ({ name: `n${i}` })),
  ...(next ? { '@odata.nextLink': next } : {})
})
