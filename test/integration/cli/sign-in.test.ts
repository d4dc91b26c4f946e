import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliFolder, jsonOf, said, type CliFolder } from '../../support/dvsync-cli'
import { FakeBrowser } from '../../support/fake-browser'
import { keyringSession, missingKeyringBinaries } from '../../support/keyring-session'
import { SMALL_SEED, startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * `dvsync env sign-in | sign-out` in child processes: the interactive sign-in against the
 * sandbox's identity provider over real HTTP, with the real OS keychain (gnome-keyring in a
 * private D-Bus session). The "system browser" is the scripted one of the other sign-in tests,
 * given the URL dvsync prints on stderr (as a person over SSH would paste it); `BROWSER=true`
 * keeps xdg-open from starting a real one.
 */

const MISSING = missingKeyringBinaries()
const BIN = fileURLToPath(new URL('../../../bin/dvsync.cjs', import.meta.url))

let harness: Harness
let cli: CliFolder
beforeAll(async () => {
  if (MISSING.length) return
  await keyringSession()
  harness = await startHarness(SMALL_SEED)
  cli = cliFolder()
})
afterAll(async () => {
  cli?.remove()
  await harness?.close()
})

/** Runs `dvsync env sign-in NAME --json`, signing in as `user` in the scripted browser. */
function signIn(name: string, user: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'env', 'sign-in', name, '--json', '--data-dir', cli.dataDir],
    { env: { ...process.env, BROWSER: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] }
  )
  let stdout = ''
  let stderr = ''
  let browsed: Promise<unknown> | undefined
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s
    const url = /^(http\S+\/authorize\?\S+)$/m.exec(stderr)?.[1]
    if (url && !browsed) browsed = new FakeBrowser({ user }).run(url)
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`sign-in did not finish; stderr: ${stderr}`))
    }, 30_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      void (browsed ?? Promise.resolve()).then(() => resolve({ code, stdout }), reject)
    })
  })
}

describe.skipIf(MISSING.length > 0)('dvsync env sign-in and sign-out', () => {
  it('signs in later in the browser, works signed in, and after sign-out says how to sign in again', async () => {
    const { url, authority, publicClientId } = harness.sandbox
    const add = await cli.run([
      'env',
      'add',
      'ui',
      '--url',
      url,
      '--auth',
      'interactive',
      '--authority',
      authority,
      '--client-id',
      publicClientId,
      '--no-sign-in'
    ])
    expect(add.code, said(add)).toBe(0)
    const before = await cli.run(['env', 'test', 'ui'])
    expect(before.code, said(before)).toBe(3)
    expect(before.stderr).toContain('Sign in with: dvsync env sign-in ui')

    const signedIn = await signIn('ui', 'maker@sandbox.local')
    expect(signedIn.code, signedIn.stdout).toBe(0)
    expect(JSON.parse(signedIn.stdout)).toEqual({
      environment: 'ui',
      account: 'maker@sandbox.local'
    })
    const test = await cli.run(['env', 'test', 'ui', '--json'])
    expect(test.code, said(test)).toBe(0)
    expect(jsonOf(test)).toMatchObject({ environment: 'ui', userId: expect.any(String) })

    const out = await cli.run(['env', 'sign-out', 'ui', '--json'])
    expect(jsonOf(out)).toEqual({ environment: 'ui', signedOut: true })
    const after = await cli.run(['env', 'test', 'ui'])
    expect(after.code, said(after)).toBe(3)
    expect(after.stderr).toContain('Sign in with: dvsync env sign-in ui')
  })

  it('refuses both for an environment that signs in without a browser, naming its kind', async () => {
    const add = await cli.run([
      'env',
      'add',
      'tok',
      '--url',
      harness.sandbox.url,
      '--auth',
      'env-token'
    ])
    expect(add.code, said(add)).toBe(0)
    for (const command of ['sign-in', 'sign-out']) {
      const run = await cli.run(['env', command, 'tok'])
      expect(run.code, said(run)).toBe(2)
      expect(run.stderr).toContain("Environment 'tok' signs in with env-token, not in a browser")
    }
  })
})
