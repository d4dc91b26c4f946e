import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KeytarSecretStore } from '../../../src-main/auth/keytar-secret-store'
import { KEYCHAIN_SERVICE, secretAccounts } from '../../../src-main/auth/secret-store'
import type { EnvironmentConfig } from '../../../src-shared/model/environment'
import { FakeBrowser } from '../../support/fake-browser'
import { KEYCHAIN_MISSING, useAuthTestbed, within } from '../../support/auth-testbed'

/**
 * The keychain half of the sign-in layer against a real Secret Service (gnome-keyring in a
 * private D-Bus session, test/support/keyring-session.ts): what is in the keychain, what is on
 * disk, a second process reusing the persisted cache, and the refusal to store anything when
 * there is no keychain.
 */

const bed = useAuthTestbed()
const keytar = new KeytarSecretStore()
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')

interface ChildResult {
  ok: boolean
  name?: string
  code?: string
  message?: string
  tokenSha256?: string
  tokenRequests?: number
  userId?: string
  browserOpened?: boolean
  logs: string[]
}

/** Runs test/support/auth-child.ts in a new Node process (the product's code, not a copy). */
function runChild(
  input: { mode: 'silent' | 'sign-in'; dataDir: string; env: EnvironmentConfig },
  envOverrides: Record<string, string | undefined> = {}
): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, AUTH_CHILD_INPUT: JSON.stringify(input) }
  for (const [name, value] of Object.entries(envOverrides)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/auth-child.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (err += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? ''
      try {
        resolve(JSON.parse(line) as ChildResult)
      } catch {
        reject(new Error(`child exited with ${String(code)} and no result; stderr: ${err}`))
      }
    })
  })
}

async function signIn(env: EnvironmentConfig): Promise<EnvironmentConfig> {
  const browser = new FakeBrowser({ user: 'Riley Reader' })
  const account = await within(
    bed.service().signIn(env, { openBrowser: browser.openBrowser }),
    10_000,
    'sign-in'
  )
  bed.remember(browser.lastDelivery?.fields['code'])
  return { ...env, account }
}

const namespace = (): string =>
  readFileSync(join(bed.dataDir, 'auth', 'keychain-id'), 'utf8').trim()

describe.skipIf(KEYCHAIN_MISSING.length > 0)('token cache and secrets in the OS keychain', () => {
  it('a new process reuses the persisted, encrypted cache without contacting the IdP', async () => {
    const env = await signIn(bed.env({ authKind: 'sandbox', clientId: bed.sandbox.publicClientId }))
    const token = await bed.service().tokenSource(env).getToken()
    bed.remember(token)
    // The child shares only the data folder and the keychain (this test's private D-Bus session).
    const child = await within(
      runChild({ mode: 'silent', dataDir: bed.dataDir, env }),
      30_000,
      'child'
    )
    expect(child).toMatchObject({ ok: true, tokenRequests: 0, tokenSha256: sha256(token) })
    expect(child.userId).toMatch(/^[0-9a-f-]{36}$/)
    expect(child.logs).toEqual([])
  })

  it('keeps only a 256-bit key and client secrets in the keychain, within Windows limits', async () => {
    const ns = namespace()
    const key = await keytar.get(secretAccounts.cacheKey(ns))
    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32)
    // Windows Credential Manager caps a credential at 2,560 bytes (msal-offline.md Q4).
    expect(Buffer.byteLength(key ?? '')).toBeLessThan(2560)

    const env = bed.env({ authKind: 'client-secret', tenantId: bed.sandbox.tenantId })
    const service = bed.service()
    const secret = `s3cret~${sha256(String(Math.random())).slice(0, 32)}`
    bed.remember(secret)
    await service.setClientSecret(env, `${secret}\n`)
    expect(await keytar.get(secretAccounts.clientSecret(ns, env.id))).toBe(secret)
    expect(await service.hasClientSecret(env)).toBe(true)
    await service.forgetEnvironment(env)
    expect(await keytar.get(secretAccounts.clientSecret(ns, env.id))).toBeUndefined()
    expect(await service.hasClientSecret(env)).toBe(false)
  })

  it('writes the cache sealed (AES-256-GCM), private to the user, and atomically', async () => {
    const dir = join(bed.dataDir, 'auth')
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const files = readdirSync(dir)
    expect(files.filter((f) => f.endsWith('.tmp') || f.endsWith('.lock'))).toEqual([])
    const caches = files.filter((f) => f.startsWith('token-cache-'))
    expect(caches.length).toBeGreaterThan(0)
    for (const name of caches) {
      const path = join(dir, name)
      expect(statSync(path).mode & 0o777).toBe(0o600)
      const envelope = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>
      expect(Object.keys(envelope)).toEqual(['format', 'version', 'alg', 'iv', 'tag', 'data'])
      expect(envelope).toMatchObject({ format: 'dvsync-token-cache', version: 1, alg: 'A256GCM' })
      expect(readFileSync(path, 'utf8')).not.toMatch(/RefreshToken|secret|@sandbox/)
    }
  })

  it('files entries under the product’s service name', async () => {
    const direct = await import('keytar')
    const entries = await direct.findCredentials(KEYCHAIN_SERVICE)
    expect(entries.map((e) => e.account)).toContain(secretAccounts.cacheKey(namespace()))
  })

  it('refuses to sign in without a keychain, before any browser opens, and stores nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-nokeychain-'))
    try {
      const env = bed.env({ authKind: 'sandbox', clientId: bed.sandbox.publicClientId })
      const child = await within(
        runChild(
          { mode: 'sign-in', dataDir, env },
          { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/dvsync-bus', DISPLAY: undefined }
        ),
        30_000,
        'child without keychain'
      )
      expect(child).toMatchObject({
        ok: false,
        name: 'KeychainUnavailableError',
        code: 'keychain-unavailable',
        tokenRequests: 0
      })
      expect(child.browserOpened).toBeUndefined()
      expect(child.message).toMatch(
        /^Could not read from the OS keychain \(Could not connect: No such file or directory\)\. Install and unlock a keychain: libsecret plus a Secret Service/
      )
      // Only the non-secret keychain id was written; no cache, no plaintext fallback.
      expect(readdirSync(join(dataDir, 'auth'))).toEqual(['keychain-id'])
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('keeps every token and secret out of the data folder, the logs and the output', async () => {
    await bed.assertNoSecretsLeaked()
  })
})
