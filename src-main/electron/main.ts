import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, ipcMain, session, shell } from 'electron'
import { INVOKE_CHANNELS } from '../../src-shared/channels'
import { createHandlers, dispatch } from '../ipc/handlers'
import { installAppGuards } from './guards'
import { secureWindowOptions } from './window-options'

const rendererIndex = join(__dirname, '../renderer/index.html')
const rendererUrl = process.env['ELECTRON_RENDERER_URL'] // set by `electron-vite dev` only
const appUrl = rendererUrl ?? pathToFileURL(rendererIndex).href

function isAppUrl(url: string): boolean {
  return rendererUrl ? url.startsWith(rendererUrl) : url === appUrl || url.startsWith(`${appUrl}#`)
}

let mainWindow: BrowserWindow | null = null

function createWindow(): void {
  mainWindow = new BrowserWindow(secureWindowOptions(join(__dirname, '../preload/index.js')))
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = null))
  void mainWindow.loadURL(appUrl)
}

if (!app.requestSingleInstanceLock()) {
  // A second instance would open the same data folder; hand over to the first one instead.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  void app.whenReady().then(() => {
    installAppGuards({
      app,
      session: session.defaultSession,
      shell,
      isAppUrl,
      loopbackOrigins: () => []
    })
    const handlers = createHandlers({
      appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform }
    })
    for (const channel of INVOKE_CHANNELS) {
      ipcMain.handle(channel, (event, input: unknown) => {
        // Only our own top-level frame may call in; anything else (a navigated or embedded
        // frame) is refused before its input is even parsed.
        const frame = event.senderFrame
        if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
          return {
            ok: false,
            error: { code: 'FORBIDDEN_SENDER', message: 'IPC from an untrusted frame.' }
          }
        }
        return dispatch(handlers, channel, input)
      })
    }
    createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
}
