import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { isAllowedExternalUrl } from '../../../src-main/electron/external-links'
import { installAppGuards } from '../../../src-main/electron/guards'
import { secureWindowOptions } from '../../../src-main/electron/window-options'

// The Electron binary cannot be installed here, so the shell is exercised with fakes that record
// what it registers (ARCHITECTURE.md, "Testing without the Electron binary").

describe('secure window options', () => {
  it('isolates the renderer from Node and runs it in the Chromium sandbox', () => {
    const prefs = secureWindowOptions('/app/preload.js').webPreferences
    expect(prefs).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false
    })
  })
})

describe('external links', () => {
  it('opens https links only, and the sandbox sign-in only on its own loopback origin', () => {
    expect(isAllowedExternalUrl('https://contoso.crm.dynamics.com/main.aspx')).toBe(true)
    expect(isAllowedExternalUrl('http://contoso.crm.dynamics.com/')).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false)
    expect(isAllowedExternalUrl('ms-settings:privacy')).toBe(false)
    expect(isAllowedExternalUrl('https://user:pw@evil.example/')).toBe(false)
    expect(
      isAllowedExternalUrl('http://127.0.0.1:5555/t/oauth2/v2.0/authorize', [
        'http://127.0.0.1:5555'
      ])
    ).toBe(true)
    expect(isAllowedExternalUrl('http://127.0.0.1:6666/x', ['http://127.0.0.1:5555'])).toBe(false)
    expect(isAllowedExternalUrl('not a url')).toBe(false)
  })
})

describe('app guards', () => {
  function setup() {
    const app = new EventEmitter()
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() }
    const shell = { openExternal: vi.fn(async () => undefined) }
    installAppGuards({
      app: app as never,
      session: session as never,
      shell: shell as never,
      isAppUrl: (url) => url.startsWith('file:///app/index.html'),
      loopbackOrigins: () => []
    })
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() })
    app.emit('web-contents-created', {}, contents)
    return { session, shell, contents }
  }

  it('denies every permission request', () => {
    const { session } = setup()
    const callback = vi.fn()
    session.setPermissionRequestHandler.mock.calls[0]![0]({}, 'media', callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(session.setPermissionCheckHandler.mock.calls[0]![0]()).toBe(false)
  })

  it('never opens a new window; allowed links go to the system browser instead', () => {
    const { contents, shell } = setup()
    const handler = contents.setWindowOpenHandler.mock.calls[0]![0]
    expect(handler({ url: 'https://learn.microsoft.com/' })).toEqual({ action: 'deny' })
    expect(handler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(shell.openExternal).toHaveBeenCalledTimes(1)
    expect(shell.openExternal).toHaveBeenCalledWith('https://learn.microsoft.com/')
  })

  it('blocks navigation away from the app but allows the app itself', () => {
    const { contents } = setup()
    const away = { preventDefault: vi.fn() }
    contents.emit('will-navigate', away, 'https://evil.example/')
    expect(away.preventDefault).toHaveBeenCalled()
    const home = { preventDefault: vi.fn() }
    contents.emit('will-navigate', home, 'file:///app/index.html#/tables')
    expect(home.preventDefault).not.toHaveBeenCalled()
    const webview = { preventDefault: vi.fn() }
    contents.emit('will-attach-webview', webview)
    expect(webview.preventDefault).toHaveBeenCalled()
  })
})
