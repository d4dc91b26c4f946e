import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * What the client must survive but the sandbox, faithful to Dataverse, never sends: a proxy's
 * HTML page, a body cut short with a matching Content-Length, a link to another host. A
 * reverse proxy in front of the sandbox (real answers, rewritten to the proxy's origin like any
 * reverse proxy does) lets a test tamper with one exchange; a recorder plays the foreign host
 * and notes what reached it.
 */

export interface Exchange {
  status: number
  headers: Record<string, string>
  body: string
}

export interface SeenRequest {
  method: string
  url: string
  /** Whether an Authorization header arrived (its value is never kept). */
  authorization: boolean
}

/** Changes one upstream answer, or returns it as it is. */
export type Tamper = (exchange: Exchange, request: SeenRequest) => Exchange

export interface TamperProxy {
  /** Use as the environment URL. */
  url: string
  requests: SeenRequest[]
  tamper: Tamper | undefined
  close(): Promise<void>
}

/** Response headers a proxy recomputes rather than copies. */
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

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function close(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}

const seen = (req: IncomingMessage): SeenRequest => ({
  method: req.method ?? 'GET',
  url: req.url ?? '/',
  authorization: req.headers.authorization !== undefined
})

export async function startTamperProxy(upstream: string): Promise<TamperProxy> {
  let origin = ''
  const proxy: TamperProxy = {
    url: '',
    requests: [],
    tamper: undefined,
    close: () => close(server)
  }
  const server = createServer((req, res) => {
    void (async () => {
      const request = seen(req)
      proxy.requests.push(request)
      const body = await readBody(req)
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers)) {
        if (name === 'host' || name === 'connection' || name === 'content-length') continue
        if (typeof value === 'string') headers[name] = value
      }
      const answer = await fetch(`${upstream}${request.url}`, {
        method: request.method,
        headers,
        ...(body ? { body } : {})
      })
      const exchange: Exchange = {
        status: answer.status,
        headers: {},
        body: (await answer.text()).split(upstream).join(origin)
      }
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) exchange.headers[name] = value.split(upstream).join(origin)
      })
      const out = proxy.tamper ? proxy.tamper(exchange, request) : exchange
      res.writeHead(out.status, {
        ...out.headers,
        'content-length': String(Buffer.byteLength(out.body))
      })
      res.end(out.body)
    })().catch((err: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`proxy failure: ${String(err)}`)
    })
  })
  origin = await listen(server)
  proxy.url = origin
  return proxy
}

export interface Recorder {
  url: string
  requests: SeenRequest[]
  close(): Promise<void>
}

/** A foreign host: answers every request with an empty collection and remembers it. */
export async function startRecorder(): Promise<Recorder> {
  const requests: SeenRequest[] = []
  const server = createServer((req, res) => {
    requests.push(seen(req))
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"value":[]}')
  })
  const url = await listen(server)
  return { url, requests, close: () => close(server) }
}
