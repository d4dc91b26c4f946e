import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import {
  APP_INDEX,
  handleAppProtocol,
  registerAppScheme,
  rendererFileOf
} from '../../../src-main/electron/app-protocol'

// The renderer is served from app://renderer/ instead of file:// (Electron security checklist):
// only files of the built renderer folder can be reached through it.

const dir = mkdtempSync(join(tmpdir(), 'dvsync-renderer-'))
writeFileSync(join(dir, 'index.html'), '<!doctype html>')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('app:// protocol', () => {
  it('maps app://renderer/ paths into the renderer folder', () => {
    expect(rendererFileOf(APP_INDEX, dir)).toBe(join(dir, 'index.html'))
    expect(rendererFileOf('app://renderer/assets/index-1.js', dir)).toBe(
      join(dir, 'assets', 'index-1.js')
    )
    expect(rendererFileOf('app://renderer/', dir)).toBe(join(dir, 'index.html'))
    expect(rendererFileOf('app://renderer/assets/a%20b.js?x=1#y', dir)).toBe(
      join(dir, 'assets', 'a b.js')
    )
  })

  it('never reaches outside the folder, and refuses other origins and broken URLs', () => {
    // The URL parser already resolves dot segments (also %2e%2e); an encoded slash is decoded
    // later and would climb out, so the resolved path is checked against the folder as well.
    for (const url of [
      'app://renderer/../../etc/passwd',
      'app://renderer/%2e%2e/%2e%2e/etc/passwd'
    ]) {
      expect(rendererFileOf(url, dir)).toBe(join(dir, 'etc', 'passwd'))
    }
    for (const url of [
      'app://renderer/assets/..%2f..%2f..%2fetc%2fpasswd',
      'app://renderer/..%5c..%5cwindows',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://renderer/%E0%A4%A',
      'not a url'
    ]) {
      expect(rendererFileOf(url, dir), url).toBeUndefined()
    }
  })

  it('registers a secure standard scheme and serves only renderer files', async () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() }
    registerAppScheme(protocol)
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }
    ])
    const net = { fetch: vi.fn(async (url: string) => new Response(`fetched ${url}`)) }
    handleAppProtocol(protocol, net as never, dir)
    const handler = protocol.handle.mock.calls[0]![1] as (request: {
      url: string
    }) => Response | Promise<Response>
    expect(await (await handler({ url: APP_INDEX })).text()).toMatch(
      /^fetched file:\/\/.*index\.html$/
    )
    const outside = await handler({ url: 'app://renderer/assets/..%2f..%2f..%2fsecret.txt' })
    expect(outside.status).toBe(404)
    expect(net.fetch).toHaveBeenCalledTimes(1)
  })
})
