import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { INVOKE_CHANNELS } from '../../../src-shared/channels'
import type { menuTemplate } from '../../../src-main/electron/menu'
import { createFakeElectron, FakeBrowserWindow } from './fake-electron'

type MenuItemConstructorOptions = ReturnType<typeof menuTemplate>[number]

// The real src-main/electron/main.ts, run against a fake 'electron': the wiring is what is tested.
const fake = vi.hoisted(() => ({ electron: undefined as unknown }))
vi.mock('electron', () => fake.electron as object)

const userData = mkdtempSync(join(tmpdir(), 'dvsync-main-'))
const electron = createFakeElectron(userData)
fake.electron = electron
const appUrl = 'app://renderer/index.html'

type Listener = (event: unknown, input: unknown) => Promise<unknown> | unknown
const handlerOf =
  (channel: string) =>
  async (event: unknown, input: unknown): Promise<unknown> =>
    (electron.ipcMain.handle.mock.calls.find((c) => c[0] === channel)![1] as Listener)(event, input)
const trusted = (id: number) => ({ sender: { id }, senderFrame: { url: appUrl, parent: null } })

beforeAll(async () => {
  await import('../../../src-main/electron/main')
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1))
})
afterAll(async () => {
  electron.app.emit('before-quit', { preventDefault: vi.fn() })
  await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled())
  rmSync(userData, { recursive: true, force: true })
})

describe('the Electron main process', () => {
  it('holds the single-instance lock and focuses the first window for a second instance', () => {
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled()
    const window = FakeBrowserWindow.created[0]!
    window.minimized = true
    electron.app.emit('second-instance')
    expect(window.restore).toHaveBeenCalled()
    expect(window.focus).toHaveBeenCalled()
  })

  it('opens one secure window on the built renderer', () => {
    const window = FakeBrowserWindow.created[0]!
    expect(window.options['webPreferences']).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false
    })
    expect(String((window.options['webPreferences'] as { preload: string }).preload)).toMatch(
      /preload[\\/]index\.js$/
    )
    expect(window.loadURL).toHaveBeenCalledWith(appUrl)
  })

  it('registers one handler per contract channel, and only those', () => {
    const channels = electron.ipcMain.handle.mock.calls.map((c) => c[0] as string)
    expect(channels.sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('answers its own window and refuses any other sender', async () => {
    const id = FakeBrowserWindow.created[0]!.webContents.id
    const info = handlerOf('app:info')
    await expect(info(trusted(id), {})).resolves.toMatchObject({
      ok: true,
      value: { name: 'Dataverse Sync Studio', dataDir: userData }
    })
    const forbidden = { ok: false, error: { code: 'FORBIDDEN_SENDER' } }
    await expect(info(trusted(id + 1), {})).resolves.toMatchObject(forbidden)
    await expect(
      info({ sender: { id }, senderFrame: { url: appUrl, parent: {} } }, {})
    ).resolves.toMatchObject(forbidden)
    await expect(
      info({ sender: { id }, senderFrame: { url: 'https://evil.example/', parent: null } }, {})
    ).resolves.toMatchObject(forbidden)
    await expect(info({ sender: { id }, senderFrame: null }, {})).resolves.toMatchObject(forbidden)
  })

  it('forwards the services’ events to the window', async () => {
    const window = FakeBrowserWindow.created[0]!
    const reply = await handlerOf('environments:add')(trusted(window.webContents.id), {
      authKind: 'env-token',
      name: 'scripted',
      url: 'https://contoso.crm.dynamics.com'
    })
    expect(reply).toMatchObject({ ok: true, value: { name: 'scripted', signInStyle: 'external' } })
    expect(window.webContents.send).toHaveBeenCalledWith('data:changed', {
      entities: ['environments']
    })
  })

  it('gives the services the platform adapter: native dialogs modal to the window', async () => {
    const window = FakeBrowserWindow.created[0]!
    const reply = await handlerOf('sources:pick')(trusted(window.webContents.id), {})
    expect(reply).toEqual({ ok: true, value: { file: '/home/admin/rows.csv' } })
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledWith(
      window,
      expect.objectContaining({ properties: ['openFile'] })
    )
    // A profile export asks where to write through the save dialog, never a renderer's path.
    const missing = await handlerOf('profiles:export')(trusted(window.webContents.id), {
      name: 'nope'
    })
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(electron.dialog.showSaveDialog).not.toHaveBeenCalled()
  })

  it('installs the guards: no permissions, no new windows', () => {
    const { setPermissionRequestHandler } = electron.session.defaultSession
    const callback = vi.fn()
    setPermissionRequestHandler.mock.calls[0]![0]({}, 'geolocation', callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(electron.app.listenerCount('web-contents-created')).toBe(1)
  })

  it('sets the native menu, whose shortcuts reach the window as app:command', () => {
    const template = electron.Menu.setApplicationMenu.mock
      .calls[0]![0] as MenuItemConstructorOptions[]
    const items = template.flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []))
    const tables = items.find((i) => i.accelerator === 'CmdOrCtrl+2')!
    ;(tables.click as () => void)()
    expect(FakeBrowserWindow.created[0]!.webContents.send).toHaveBeenCalledWith('app:command', {
      command: 'navigate',
      to: 'tables'
    })
  })

  it('remembers where the window was', async () => {
    const window = FakeBrowserWindow.created[0]!
    window.emit('close')
    const saved = JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'))
    expect(saved).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: false })
  })
})
