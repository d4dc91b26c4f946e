import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { DOCS_URL, menuTemplate } from '../../../src-main/electron/menu'
import { forwardEvents, sendEvent } from '../../../src-main/electron/ipc'
import {
  DEFAULT_WINDOW_STATE,
  restoreWindowState,
  trackWindowState
} from '../../../src-main/electron/window-state'
import { AppEvents } from '../../../src-main/app/events'

type MenuItemConstructorOptions = ReturnType<typeof menuTemplate>[number]

const display = { x: 0, y: 0, width: 1920, height: 1080 }

describe('window state', () => {
  it('restores what was saved', () => {
    const saved = JSON.stringify({ x: 100, y: 50, width: 1400, height: 900, maximized: true })
    expect(restoreWindowState(saved, [display])).toEqual({
      x: 100,
      y: 50,
      width: 1400,
      height: 900,
      maximized: true
    })
  })

  it('falls back to the default for nothing, garbage or absurd sizes', () => {
    for (const saved of [undefined, '', '{', '{"width":5,"height":5,"maximized":false}'])
      expect(restoreWindowState(saved, [display])).toEqual(DEFAULT_WINDOW_STATE)
  })

  it('drops a position on a display that is gone, keeping the size', () => {
    const saved = JSON.stringify({ x: 3000, y: 200, width: 1200, height: 800, maximized: false })
    expect(restoreWindowState(saved, [display])).toEqual({
      width: 1200,
      height: 800,
      maximized: false
    })
  })

  it('saves on close and, debounced, after moves', () => {
    vi.useFakeTimers()
    const window = Object.assign(new EventEmitter(), {
      getNormalBounds: () => ({ x: 1, y: 2, width: 1000, height: 700 }),
      isMaximized: () => false,
      isDestroyed: () => false
    })
    const save = vi.fn()
    trackWindowState(window, save, 500)
    window.emit('move')
    window.emit('resize')
    expect(save).not.toHaveBeenCalled()
    vi.advanceTimersByTime(500)
    expect(save).toHaveBeenCalledTimes(1)
    window.emit('close')
    expect(save).toHaveBeenCalledTimes(2)
    expect(JSON.parse(save.mock.calls[1]![0] as string)).toEqual({
      x: 1,
      y: 2,
      width: 1000,
      height: 700,
      maximized: false
    })
    vi.useRealTimers()
  })
})

describe('the native menu', () => {
  const build = (platform: NodeJS.Platform, isDev = false) => {
    const command = vi.fn()
    const openExternal = vi.fn()
    const template = menuTemplate({ platform, appName: 'Studio', command, openExternal, isDev })
    const items = (t: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
      t.flatMap((m) => [m, ...(Array.isArray(m.submenu) ? items(m.submenu) : [])])
    return { template, all: items(template), command, openExternal }
  }

  it('has keyboard shortcuts for the screens, refresh, theme and adding an environment', () => {
    const { all, command } = build('linux')
    const click = (accelerator: string): void =>
      (all.find((i) => i.accelerator === accelerator)!.click as () => void)()
    click('CmdOrCtrl+1')
    click('CmdOrCtrl+3')
    click('F5')
    click('CmdOrCtrl+R')
    click('CmdOrCtrl+Shift+L')
    click('CmdOrCtrl+N')
    expect(command.mock.calls.map((c) => c[0])).toEqual([
      { command: 'navigate', to: 'environments' },
      { command: 'navigate', to: 'pulls' },
      { command: 'refresh' },
      { command: 'refresh' },
      { command: 'toggle-theme' },
      { command: 'add-environment' }
    ])
  })

  it('keeps the standard edit roles, an app menu on macOS only, devtools in development only', () => {
    expect(build('linux').all.some((i) => i.role === 'editMenu')).toBe(true)
    expect(build('darwin').template[0]!.label).toBe('Studio')
    expect(build('win32').template[0]!.label).toBe('&File')
    expect(build('linux').all.some((i) => i.role === 'toggleDevTools')).toBe(false)
    expect(build('linux', true).all.some((i) => i.role === 'toggleDevTools')).toBe(true)
  })

  it('opens the documentation through the guarded opener', () => {
    const { all, openExternal } = build('linux')
    ;(all.find((i) => i.label === 'Dataverse Web API documentation')!.click as () => void)()
    expect(openExternal).toHaveBeenCalledWith(DOCS_URL)
  })
})

describe('events to the window', () => {
  it('are sent to a live window only, for contract events only', () => {
    const send = vi.fn()
    let destroyed = false
    const target = { id: 1, send, isDestroyed: () => destroyed }
    sendEvent(target, 'data:changed', { entities: ['runs'] })
    sendEvent(target, 'nope' as never, {} as never)
    destroyed = true
    sendEvent(target, 'data:changed', { entities: ['runs'] })
    sendEvent(undefined, 'data:changed', { entities: ['runs'] })
    expect(send).toHaveBeenCalledTimes(1)
  })

  it('follow the current window and stop when unsubscribed', () => {
    const events = new AppEvents()
    const send = vi.fn()
    const off = forwardEvents(events, () => ({ id: 1, send, isDestroyed: () => false }))
    events.emit('data:changed', { entities: ['tables'], environmentId: 2 })
    off()
    events.emit('data:changed', { entities: ['tables'] })
    expect(send).toHaveBeenCalledTimes(1)
    expect(send).toHaveBeenCalledWith('data:changed', { entities: ['tables'], environmentId: 2 })
  })
})
