import { EventEmitter } from 'node:events'
import { vi } from 'vitest'

/**
 * A stand-in for the 'electron' module: records what the shell asks of it, so src-main/electron
 * is tested without the Electron binary (ARCHITECTURE.md, "Testing without the Electron binary").
 */
export class FakeWebContents extends EventEmitter {
  readonly id: number
  readonly send = vi.fn()
  readonly setWindowOpenHandler = vi.fn()
  readonly printToPDF = vi.fn(async (_options: unknown) => new Uint8Array([0x25, 0x50, 0x44, 0x46]))
  destroyed = false
  constructor(id: number) {
    super()
    this.id = id
  }
  isDestroyed(): boolean {
    return this.destroyed
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = []
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created
  }
  readonly webContents = new FakeWebContents(100 + FakeBrowserWindow.created.length)
  readonly loadURL = vi.fn(async () => undefined)
  readonly loadFile = vi.fn(async (_file: string) => undefined)
  readonly destroy = vi.fn()
  readonly show = vi.fn()
  readonly maximize = vi.fn()
  readonly restore = vi.fn()
  readonly focus = vi.fn()
  minimized = false
  constructor(readonly options: Record<string, unknown>) {
    super()
    FakeBrowserWindow.created.push(this)
  }
  isMinimized(): boolean {
    return this.minimized
  }
  isMaximized(): boolean {
    return false
  }
  isDestroyed(): boolean {
    return false
  }
  getNormalBounds() {
    return { x: 10, y: 20, width: 1200, height: 800 }
  }
}

export function createFakeElectron(userData: string) {
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn(() => userData),
    getName: () => 'Dataverse Sync Studio',
    getVersion: () => '0.1.0',
    isPackaged: false,
    quit: vi.fn()
  })
  return {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: { handle: vi.fn() },
    Menu: {
      buildFromTemplate: vi.fn((template: unknown) => template),
      setApplicationMenu: vi.fn()
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() }
    },
    shell: { openExternal: vi.fn(async () => undefined) },
    dialog: {
      showOpenDialog: vi.fn(async (..._args: unknown[]) => ({
        canceled: false,
        filePaths: ['/home/admin/rows.csv']
      })),
      showSaveDialog: vi.fn(async (..._args: unknown[]) => ({
        canceled: false,
        filePath: '/home/admin/report.pdf'
      }))
    },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    net: { fetch: vi.fn(async (url: string) => new Response(`fetched ${url}`)) },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(async () => 'reply'), on: vi.fn(), removeListener: vi.fn() }
  }
}
