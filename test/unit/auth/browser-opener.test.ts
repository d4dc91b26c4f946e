import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { isOpenableSignInUrl, systemBrowserOpener } from '../../../src-main/auth/browser-opener'

/**
 * The CLI's opener runs the real `xdg-open` of PATH; here PATH starts with a folder holding a
 * recording `xdg-open` script, since no desktop browser exists on the test machine.
 */
const bin = mkdtempSync(join(tmpdir(), 'dvsync-opener-'))
const record = join(bin, 'opened.txt')
writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${record}"\n`)
chmodSync(join(bin, 'xdg-open'), 0o755)
const path = process.env['PATH']
afterEach(() => {
  process.env['PATH'] = path
  rmSync(record, { force: true })
})
afterAll(() => rmSync(bin, { recursive: true, force: true }))

const url =
  'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?client_id=x&state=y&redirect_uri=http%3A%2F%2Flocalhost%3A1234'

describe.skipIf(process.platform !== 'linux')('systemBrowserOpener', () => {
  it('prints the URL and hands it to xdg-open as one argument', async () => {
    process.env['PATH'] = `${bin}:${path ?? ''}`
    const lines: string[] = []
    await systemBrowserOpener({ print: (l) => lines.push(l) })(url)
    await vi.waitFor(() => expect(existsSync(record)).toBe(true))
    expect(readFileSync(record, 'utf8')).toBe(`${url}\n`)
    expect(lines).toEqual([
      `To sign in, open this address in your browser if it does not open by itself:\n${url}`
    ])
  })

  it('falls back to the printed URL when no opener exists, without failing the sign-in', async () => {
    process.env['PATH'] = bin.replace(/$/, '-missing')
    const lines: string[] = []
    await expect(systemBrowserOpener({ print: (l) => lines.push(l) })(url)).resolves.toBeUndefined()
    await vi.waitFor(() => expect(lines).toHaveLength(2))
    expect(lines[1]).toMatch(
      /^Could not open a browser \(.*ENOENT.*\); open the address above yourself\.$/
    )
  })

  it('only prints with launch: false, and refuses what is not a sign-in page', async () => {
    process.env['PATH'] = `${bin}:${path ?? ''}`
    const lines: string[] = []
    await systemBrowserOpener({ print: (l) => lines.push(l), launch: false })(url)
    await systemBrowserOpener({ print: (l) => lines.push(l) })('file:///etc/passwd')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(existsSync(record)).toBe(false)
    expect(lines[1]).toBe('Refusing to open file://: sign-in pages must be https or loopback.')
  })
})

describe('isOpenableSignInUrl', () => {
  it('allows https and loopback http only', () => {
    expect(isOpenableSignInUrl(url)).toBe(true)
    expect(isOpenableSignInUrl('http://127.0.0.1:5555/t/oauth2/v2.0/authorize')).toBe(true)
    expect(isOpenableSignInUrl('http://evil.example/authorize')).toBe(false)
    expect(isOpenableSignInUrl('javascript:alert(1)')).toBe(false)
    expect(isOpenableSignInUrl('https://user:pw@login.microsoftonline.com/')).toBe(false)
  })
})
