import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  screen,
  session,
  shell
} from 'electron'
import { createAppServices, type AppServices } from '../app/app-services'
import { createServices } from '../app/services'
import { createHandlers } from '../ipc/handlers'
import { APP_INDEX, APP_ORIGIN, handleAppProtocol, registerAppScheme } from './app-protocol'
import { isAllowedExternalUrl } from './external-links'
import { installAppGuards } from './guards'
import { forwardEvents, registerIpc, sendEvent } from './ipc'
import { menuTemplate } from './menu'
import { electronPlatform } from './platform'
import { secureWindowOptions } from './window-options'
import { restoreWindowState, trackWindowState } from './window-state'

const rendererDir = join(__dirname, '../renderer')
const rendererUrl = process.env['ELECTRON_RENDERER_URL'] // set by `electron-vite dev` only
const appUrl = rendererUrl ?? APP_INDEX

function isAppUrl(url: string): boolean {
  if (rendererUrl) {
    try {
      return new URL(url).origin === new URL(rendererUrl).origin
    } catch {
      return false // not a URL at all
    }
  }
  return url.startsWith(`${APP_ORIGIN}/`)
}

registerAppScheme(protocol)

let mainWindow: BrowserWindow | null = null
let appServices: AppServices | undefined

/** Loopback origins whose sign-in pages may open: the built-in sandbox, and sandbox environments. */
function loopbackOrigins(): string[] {
  const configured =
    appServices?.services.store.environments
      .list()
      .filter((e) => e.authKind === 'sandbox')
      .map((e) => new URL(e.url).origin) ?? []
  return [...(appServices?.sandbox.origins() ?? []), ...configured]
}

async function openExternal(url: string): Promise<void> {
  if (!isAllowedExternalUrl(url, loopbackOrigins()))
    throw new Error('Only https addresses and the sandbox sign-in page open in the browser.')
  await shell.openExternal(url)
}

function createWindow(): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json')
  const saved = (() => {
    try {
      return readFileSync(stateFile, 'utf8')
    } catch {
      return undefined
    }
  })()
  const state = restoreWindowState(
    saved,
    screen.getAllDisplays().map((d) => d.workArea)
  )
  const options = secureWindowOptions(join(__dirname, '../preload/index.js'))
  mainWindow = new BrowserWindow({ ...options, ...state })
  if (state.maximized) mainWindow.maximize()
  trackWindowState(mainWindow, (json) => {
    try {
      writeFileSync(stateFile, json, { mode: 0o600 })
    } catch {
      // Not worth an error dialog: the window opens at its default size next time.
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = null))
  void mainWindow.loadURL(appUrl)
}

function start(): void {
  if (!rendererUrl) handleAppProtocol(protocol, net, rendererDir)
  const dataDir = app.getPath('userData')
  const log = (line: string): void => console.log(line)
  const services = createServices({ dataDir, openBrowser: openExternal, log })
  appServices = createAppServices({
    services,
    dataDir,
    appInfo: { name: app.getName(), version: app.getVersion(), platform: process.platform },
    platform: electronPlatform({
      dialog,
      createWindow: (options) => new BrowserWindow(options),
      parent: () => mainWindow,
      documents: app.getPath('documents')
    }),
    log
  })
  installAppGuards({
    app,
    session: session.defaultSession,
    shell,
    isAppUrl,
    loopbackOrigins
  })
  registerIpc(ipcMain, createHandlers(appServices), {
    webContentsId: () => mainWindow?.webContents.id,
    isAppUrl
  })
  forwardEvents(appServices.events, () => mainWindow?.webContents)
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        platform: process.platform,
        appName: app.getName(),
        isDev: !app.isPackaged,
        command: (command) => sendEvent(mainWindow?.webContents, 'app:command', command),
        openExternal: (url) => void openExternal(url).catch(() => undefined)
      })
    )
  )
  appServices.resume()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
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
  void app.whenReady().then(start)
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  // Pulls stop after their current page and the built-in sandbox closes its database first.
  let closing = false
  app.on('before-quit', (event) => {
    if (closing || !appServices) return
    event.preventDefault()
    closing = true
    void appServices.close().finally(() => app.quit())
  })
}
