import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { isAllowedExternalUrl } from '../../src-main/electron/external-links'
import { rendererFileOf } from '../../src-main/electron/app-protocol'
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../src-shared/channels'
import type { Bridge } from '../../src-shared/contract'
import { createFakeElectron, FakeBrowserWindow } from '../unit/shell/fake-electron'

/**
 * The Electron shell against the security checklist (SECURITY.md), with the real
 * src-main/electron/main.ts and preload.ts run on a fake `electron` module (the binary cannot be
 * installed here): random senders against the real IPC registration, random URLs against the
 * navigation, new-window and external-link guards, random channel names against the preload.
 * test/unit/shell has the example-based tests; these are the properties.
 */

const fake = vi.hoisted(() => ({ electron: undefined as unknown }))
vi.mock('electron', () => fake.electron as object)

const userData = mkdtempSync(join(tmpdir(), 'dvsync-security-shell-'))
const electron = createFakeElectron(userData)
fake.electron = electron
// main.ts serves the renderer from app://renderer/ (app-protocol.ts), never from file://.
const appUrl = 'app://renderer/index.html'
const fileUrl = pathToFileURL(resolve('src-main/renderer/index.html')).href

type Listener = (event: unknown, input: unknown) => Promise<unknown> | unknown
const handlerOf = (channel: string): Listener =>
  electron.ipcMain.handle.mock.calls.find((c) => c[0] === channel)![1] as Listener

let windowId: number
beforeAll(async () => {
  await import('../../src-main/electron/main')
  await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1))
  windowId = FakeBrowserWindow.created[0]!.webContents.id
})
afterAll(async () => {
  electron.app.emit('before-quit', { preventDefault: vi.fn() })
  await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled())
  rmSync(userData, { recursive: true, force: true })
})

/** URLs near the app's own, and far from it. */
const url = fc.oneof(
  fc.constantFrom(
    appUrl,
    `${appUrl}#/tables`,
    `${appUrl}?x=1`,
    `${appUrl}x`,
    `${appUrl}/..`,
    appUrl.replace('index.html', 'other.html'),
    appUrl.toUpperCase(),
    appUrl.replace('app://renderer', 'app://renderer.evil'),
    appUrl.replace('app://renderer', 'app://evil'),
    appUrl.replace('app://', 'https://'),
    fileUrl,
    'file:///etc/passwd',
    'https://evil.example/',
    'http://127.0.0.1:47411/',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'chrome-error://chromewebdata/',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    ''
  ),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  fc.string({ maxLength: 30 }).map((s) => `${appUrl}${s}`)
)
/** Any page of the app's own origin: only the renderer folder is served there. */
const isTrustedUrl = (u: string): boolean => u.startsWith('app://renderer/')

describe('IPC senders (checklist 17)', () => {
  it('only the window’s own top-level frame on the app URL is answered; nothing else reaches a handler', async () => {
    const sender = fc.record({
      id: fc
        .oneof(fc.constant(-1), fc.integer({ min: 0, max: 200 }))
        .map((i) => (i < 0 ? windowId : i)),
      frame: fc.option(fc.record({ url, parent: fc.constantFrom(null, {}, { url: appUrl }) }), {
        nil: null
      })
    })
    let n = 0
    const forbiddenNames: string[] = []
    await fc.assert(
      fc.asyncProperty(sender, async ({ id, frame }) => {
        const name = `sender-${(n += 1)}`
        const event = { sender: { id }, senderFrame: frame }
        const reply = (await handlerOf('environments:add')(event, {
          authKind: 'env-token',
          name,
          url: 'https://contoso.crm.dynamics.com'
        })) as { ok: boolean; error?: { code: string } }
        const trusted =
          id === windowId && frame !== null && frame.parent === null && isTrustedUrl(frame.url)
        if (trusted) expect(reply.ok, JSON.stringify(reply)).toBe(true)
        else {
          expect(reply).toEqual({
            ok: false,
            error: { code: 'FORBIDDEN_SENDER', message: 'IPC from an untrusted frame is refused.' }
          })
          forbiddenNames.push(name)
        }
      }),
      { numRuns: 400 }
    )
    expect(forbiddenNames.length).toBeGreaterThan(100)
    // Refused before the input was read: none of their environments exists.
    const trusted = { sender: { id: windowId }, senderFrame: { url: appUrl, parent: null } }
    const list = (await handlerOf('environments:list')(trusted, {})) as {
      value: { name: string }[]
    }
    const names = new Set(list.value.map((e) => e.name))
    for (const name of forbiddenNames) expect(names.has(name), name).toBe(false)
  })

  it('every channel is behind the same check', async () => {
    for (const channel of INVOKE_CHANNELS) {
      const reply = await handlerOf(channel)(
        { sender: { id: windowId + 1 }, senderFrame: { url: appUrl, parent: null } },
        {}
      )
      expect(reply, channel).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } })
    }
  })
})

describe('navigation, new windows and external links (checklist 13, 14, 15)', () => {
  function contents(): EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn> } {
    const c = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() })
    electron.app.emit('web-contents-created', {}, c)
    return c
  }

  it('any webContents: navigation leaves the app never, new windows never open, links go out only when allowed', () => {
    fc.assert(
      fc.property(
        url,
        fc.constantFrom('will-navigate', 'will-redirect', 'window-open'),
        (target, how) => {
          electron.shell.openExternal.mockClear()
          const c = contents()
          if (how === 'window-open') {
            expect(c.setWindowOpenHandler.mock.calls[0]![0]({ url: target })).toEqual({
              action: 'deny'
            })
          } else {
            const event = { preventDefault: vi.fn() }
            c.emit(how, event, target)
            expect(event.preventDefault.mock.calls.length, target).toBe(
              isTrustedUrl(target) ? 0 : 1
            )
          }
          for (const [opened] of electron.shell.openExternal.mock.calls as unknown as [string][]) {
            expect(isAllowedExternalUrl(opened, ['http://127.0.0.1:47411'])).toBe(true)
            expect(opened).toMatch(/^(https:|http:\/\/127\.0\.0\.1:)/)
          }
        }
      ),
      { numRuns: 600 }
    )
  })

  it('<webview> is never attached, and every permission is refused', () => {
    const c = contents()
    const event = { preventDefault: vi.fn() }
    c.emit('will-attach-webview', event, {}, {})
    expect(event.preventDefault).toHaveBeenCalled()
    const { setPermissionRequestHandler, setPermissionCheckHandler } =
      electron.session.defaultSession
    fc.assert(
      fc.property(
        fc.constantFrom(
          'media',
          'geolocation',
          'notifications',
          'clipboard-read',
          'openExternal',
          'fullscreen',
          'hid',
          'serial',
          'usb',
          'fileSystem'
        ),
        (permission) => {
          const callback = vi.fn()
          setPermissionRequestHandler.mock.calls[0]![0]({}, permission, callback)
          expect(callback).toHaveBeenCalledWith(false)
          expect(setPermissionCheckHandler.mock.calls[0]![0]({}, permission)).toBe(false)
        }
      )
    )
  })

  it('an external link opens only when https (no credentials) or the sandbox’s own loopback origin', () => {
    const loopback = ['http://127.0.0.1:47411']
    fc.assert(
      fc.property(
        fc.oneof(
          url,
          fc.webUrl({
            validSchemes: ['http', 'https', 'ftp', 'file', 'ms-settings', 'vscode'],
            authoritySettings: { withUserInfo: true, withIPv4: true, withPort: true }
          })
        ),
        (target) => {
          if (!isAllowedExternalUrl(target, loopback)) return
          const parsed = new URL(target)
          expect(parsed.username + parsed.password).toBe('')
          expect(parsed.protocol === 'https:' || loopback.includes(parsed.origin), target).toBe(
            true
          )
        }
      ),
      { numRuns: 2000 }
    )
  })
})

describe('the app:// protocol (checklist 18)', () => {
  it('whatever URL is asked, only a file inside the renderer folder is ever served', () => {
    const root = resolve('src-main/renderer')
    const segment = fc.constantFrom(
      '..',
      '%2e%2e',
      '..%2f',
      '%2f',
      '%5c',
      '.',
      'assets',
      'a%00',
      '~',
      ''
    )
    fc.assert(
      fc.property(
        fc.oneof(
          url,
          fc.array(segment, { maxLength: 8 }).map((s) => `app://renderer/${s.join('/')}`)
        ),
        (target) => {
          const file = rendererFileOf(target, root)
          if (file === undefined) return
          expect(file.startsWith(`${root}/`), `${target} -> ${file}`).toBe(true)
          expect(target.startsWith('app://renderer/'), target).toBe(true)
        }
      ),
      { numRuns: 2000 }
    )
  })
})

describe('window and preload (checklist 2, 3, 4, 6, 8, 9, 10, 11, 20)', () => {
  it('the window: isolated, sandboxed, no Node, web security on, nothing experimental', () => {
    const prefs = FakeBrowserWindow.created[0]!.options['webPreferences'] as Record<string, unknown>
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false
    })
    for (const risky of [
      'experimentalFeatures',
      'enableBlinkFeatures',
      'additionalArguments',
      'preloadURL'
    ])
      expect(prefs, risky).not.toHaveProperty(risky)
    // The window loads the app from disk, never a remote page.
    expect(FakeBrowserWindow.created[0]!.loadURL).toHaveBeenCalledWith(appUrl)
  })

  it('the preload exposes invoke and on for the contract’s names only, whatever name is asked', async () => {
    await import('../../src-main/electron/preload')
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1)
    const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]! as [string, Bridge]
    expect(name).toBe('api')
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on'])
    const invokable = new Set<string>(INVOKE_CHANNELS)
    const listenable = new Set<string>(EVENT_CHANNELS)
    const channel = fc.oneof(
      fc.constantFrom(
        ...INVOKE_CHANNELS,
        ...EVENT_CHANNELS,
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'shell:openExternal',
        'ELECTRON_BROWSER_WINDOW_CLOSE'
      ),
      fc.string({ maxLength: 20 })
    )
    await fc.assert(
      fc.asyncProperty(channel, async (c) => {
        electron.ipcRenderer.invoke.mockClear()
        electron.ipcRenderer.on.mockClear()
        const invoked = await api.invoke(c as never, {} as never).then(
          () => 'sent',
          () => 'refused'
        )
        expect(invoked, c).toBe(invokable.has(c) ? 'sent' : 'refused')
        expect(electron.ipcRenderer.invoke.mock.calls.length).toBe(invokable.has(c) ? 1 : 0)
        let listened: string
        try {
          api.on(c as never, () => undefined)()
          listened = 'listening'
        } catch {
          listened = 'refused'
        }
        expect(listened, c).toBe(listenable.has(c) ? 'listening' : 'refused')
      }),
      { numRuns: 500 }
    )
  })

  it('the preload bundle (what Electron loads) imports electron only', () => {
    const source = readFileSync('src-main/electron/preload.ts', 'utf8')
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1])
    expect(imports.sort()).toEqual(['../../src-shared/channels', 'electron'])
  })
})
