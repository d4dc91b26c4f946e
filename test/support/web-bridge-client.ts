/**
 * The `window.api` the web bridge injects into the page: the same two functions, with the same
 * allow-lists and failure modes, as src-main/electron/preload.ts exposes through contextBridge,
 * but carried over a WebSocket instead of Electron IPC.
 *
 * `installBridge` runs in the browser: it is sent as its own source text, so it must not use
 * anything from outside its body (no imports, no helpers).
 */

export interface BridgeClientConfig {
  invoke: readonly string[]
  events: readonly string[]
  /** Path of the bridge's WebSocket on the page's own origin. */
  socketPath: string
}

interface SocketLike {
  readyState: number
  send(data: string): void
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void
}

interface BrowserGlobals {
  WebSocket: new (url: string) => SocketLike
  location: { host: string; protocol: string }
}

export function installBridge(config: BridgeClientConfig): void {
  const g = globalThis as unknown as BrowserGlobals
  const invokable = new Set(config.invoke)
  const listenable = new Set(config.events)
  const pending = new Map<number, (reply: unknown) => void>()
  const failed = new Map<number, (err: Error) => void>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let nextId = 1
  const scheme = g.location.protocol === 'https:' ? 'wss' : 'ws'
  const socket = new g.WebSocket(`${scheme}://${g.location.host}${config.socketPath}`)
  const open = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve())
    socket.addEventListener('error', () => reject(new Error('The app bridge is not reachable.')))
  })
  open.catch(() => undefined)
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number
      result?: unknown
      event?: string
      payload?: unknown
    }
    if (message.id !== undefined) {
      pending.get(message.id)?.(message.result)
      pending.delete(message.id)
      failed.delete(message.id)
    } else if (message.event !== undefined) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload)
    }
  })
  socket.addEventListener('close', () => {
    for (const reject of failed.values()) reject(new Error('The app bridge closed.'))
    pending.clear()
    failed.clear()
  })
  const api = Object.freeze({
    invoke: (channel: string, input: unknown): Promise<unknown> => {
      if (!invokable.has(channel))
        return Promise.reject(new Error(`Unsupported IPC channel '${channel}'`))
      return open.then(
        () =>
          new Promise((resolve, reject) => {
            const id = nextId++
            pending.set(id, resolve)
            failed.set(id, reject)
            socket.send(JSON.stringify({ id, channel, input }))
          })
      )
    },
    on: (event: string, listener: (payload: unknown) => void): (() => void) => {
      if (!listenable.has(event)) throw new Error(`Unsupported IPC event '${event}'`)
      // Each registration is its own, as with ipcRenderer.on: the same function twice is two.
      const wrapped = (payload: unknown): void => listener(payload)
      const set = listeners.get(event) ?? new Set()
      set.add(wrapped)
      listeners.set(event, set)
      return () => {
        set.delete(wrapped)
      }
    }
  })
  // Like contextBridge: a frozen, non-writable global the page cannot replace.
  Object.defineProperty(globalThis, 'api', { value: api, writable: false, configurable: false })
}

/** The script the bridge serves: the function above, called with the allow-lists. */
export function bridgeClientScript(config: BridgeClientConfig): string {
  // Test runners may compile with esbuild's keepNames, which wraps functions in __name().
  const shim = 'const __name = (target) => target;'
  return `(() => { ${shim} (${installBridge.toString()})(${JSON.stringify(config)}) })();\n`
}
