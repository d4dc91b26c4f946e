import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../src-shared/channels'
import { createAppServices, type AppServices } from '../../src-main/app/app-services'
import type { SandboxHostOptions } from '../../src-main/app/sandbox-host'
import { createServices } from '../../src-main/app/services'
import { AuthService, type OpenBrowser, type SecretStore } from '../../src-main/auth/index'
import { createHandlers, dispatch } from '../../src-main/ipc/handlers'
import { MemorySecretStore } from './auth-memory-secret-store'
import { TestPlatform } from './web-bridge-platform'
import { bridgeClientScript } from './web-bridge-client'

/**
 * The web bridge (ARCHITECTURE.md, "Testing without the Electron binary"): serves the built
 * renderer (out/renderer) to a real browser, injects a `window.api` shaped like the preload's,
 * and carries its calls over a WebSocket to the same dispatch(), handlers and services the
 * Electron main uses, with the built-in sandbox as Dataverse. Only the transport differs from
 * the desktop app: no IPC, no BrowserWindow, a WebSocket origin check instead of the sender check.
 */
export interface WebBridgeOptions {
  /** The data folder (environments, mirrors, run history, the sandbox's own store). */
  dataDir: string
  /** The built-in sandbox's port (the app's fixed one is for the desktop; tests pick a free one). */
  sandboxPort: number
  /** Extra sandbox settings, e.g. a short key activation delay. */
  sandbox?: SandboxHostOptions['sandbox']
  /** Where sign-in pages open: in the tests, a new browser page. */
  openBrowser: OpenBrowser
  /** The keychain; an in-memory one unless given (the real keychain is tested in auth tests). */
  secrets?: SecretStore
  /** Built renderer; default out/renderer. */
  rendererDir?: string
  /** Port for the bridge itself; 0 picks a free one. */
  port?: number
  /** Dialogs and the PDF printer; a TestPlatform (answers set up by the test) unless given. */
  platform?: TestPlatform
  /** Sees every reply and event that crosses the bridge (the tests check them for secrets). */
  onTraffic?: (message: { channel: string; data: unknown }) => void
  log?: (line: string) => void
}

export interface WebBridge {
  /** Open this in the browser: the app's index page. */
  readonly url: string
  readonly app: AppServices
  /** The dialogs the test answers and the printer: see web-bridge-platform.ts. */
  readonly platform: TestPlatform
  close(): Promise<void>
}

export const SOCKET_PATH = '/__bridge/socket'
const CLIENT_PATH = '/__bridge/client.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json'
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const root = resolve(options.rendererDir ?? 'out/renderer')
  const log = options.log ?? (() => undefined)
  const auth = new AuthService({
    dataDir: options.dataDir,
    secrets: options.secrets ?? new MemorySecretStore(),
    openBrowser: options.openBrowser,
    log
  })
  const services = createServices({ dataDir: options.dataDir, auth, log })
  const platform = options.platform ?? new TestPlatform()
  const app = createAppServices({
    platform,
    services,
    dataDir: options.dataDir,
    appInfo: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: process.platform },
    sandbox: {
      port: options.sandboxPort,
      ...(options.sandbox ? { sandbox: options.sandbox } : {})
    },
    log
  })
  const handlers = createHandlers(app)
  const client = bridgeClientScript({
    invoke: INVOKE_CHANNELS,
    events: EVENT_CHANNELS,
    socketPath: SOCKET_PATH
  })
  let origin = ''

  const server = createServer((req, res) => {
    serve(req, res, root, client).catch((err: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' }).end(String(err))
    })
  })
  const sockets = new Set<WebSocket>()
  // The bridge's sender check: only pages of the bridge's own origin may connect.
  const wss = new WebSocketServer({
    server,
    path: SOCKET_PATH,
    verifyClient: ({ origin: from }: { origin: string }) => from === origin
  })
  wss.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('message', (data) => {
      let message: { id: number; channel: string; input: unknown }
      try {
        message = JSON.parse(String(data)) as typeof message
      } catch {
        return
      }
      void dispatch(handlers, message.channel as never, message.input).then((result) => {
        options.onTraffic?.({ channel: message.channel, data: result })
        if (socket.readyState === socket.OPEN)
          socket.send(JSON.stringify({ id: message.id, result }))
      })
    })
  })
  const unsubscribe = app.events.subscribe((event, payload) => {
    options.onTraffic?.({ channel: event, data: payload })
    const text = JSON.stringify({ event, payload })
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text)
  })
  app.resume()

  await new Promise<void>((ready, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, '127.0.0.1', () => ready())
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${origin}/`,
    app,
    platform,
    async close() {
      unsubscribe()
      for (const socket of sockets) socket.terminate()
      await new Promise<void>((done) => wss.close(() => done()))
      await new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
      })
      await app.close()
    }
  }
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  client: string
): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://bridge').pathname)
  if (path === CLIENT_PATH) {
    res.writeHead(200, { 'Content-Type': TYPES['.js']!, 'Cache-Control': 'no-store' }).end(client)
    return
  }
  const file = normalize(join(root, path === '/' ? 'index.html' : path))
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end()
    return
  }
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found')
    return
  }
  if (extname(file) === '.html') {
    // The bridge's window.api is a classic script, so it runs before the app's module script.
    const html = body
      .toString('utf8')
      .replace(/<script\b/, `<script src="${CLIENT_PATH}"></script>\n    <script`)
    res.writeHead(200, { 'Content-Type': TYPES['.html']!, 'Cache-Control': 'no-store' }).end(html)
    return
  }
  res
    .writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
    .end(body)
}
