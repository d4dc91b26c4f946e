import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, vi } from 'vitest'
import { AuthService, type AuthServiceOptions } from '../../src-main/auth/auth-service'
import { open } from '../../src-main/auth/cache-crypto'
import { KeytarSecretStore } from '../../src-main/auth/keytar-secret-store'
import { secretAccounts, type SecretStore } from '../../src-main/auth/secret-store'
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../src-main/sandbox'
import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { keyringSession, missingKeyringBinaries, type KeyringSession } from './keyring-session'

/**
 * What every sign-in integration test file needs, all real: the sandbox (Dataverse emulator and
 * identity provider) over HTTP on 127.0.0.1, a private Secret Service (keyring-session.ts) behind
 * the product's KeytarSecretStore, a temporary data folder, and the evidence for "no secret
 * leaks": every token, code and secret a test saw is remembered, and `assertNoSecretsLeaked()`
 * scans the data folder, the layer's log lines and everything written to the console.
 *
 * The fetch wrapper only observes: it counts the token requests MSAL makes (msal-node 7 uses the
 * global fetch, msal-offline.md) and refuses anything that is not 127.0.0.1, so a test can never
 * reach a real identity provider.
 */

export interface AuthTestbed {
  readonly sandbox: RunningSandbox
  readonly dataDir: string
  readonly keyring: KeyringSession | undefined
  /** The layer's log lines. */
  readonly logs: string[]
  /** POSTs to the sandbox's token endpoint so far. */
  tokenRequests(): number
  /** A new AuthService on the data folder with the real keychain (unless `secrets` is given). */
  service(options?: Partial<AuthServiceOptions>): AuthService
  /** An environment on the sandbox with a fresh id. */
  env(fields: Partial<EnvironmentConfig> & Pick<EnvironmentConfig, 'authKind'>): EnvironmentConfig
  /** A token, code or secret that must never appear in files, logs or output. */
  remember(...values: (string | undefined)[]): void
  /** Restart the sandbox on the same port (new signing key, refresh tokens forgotten). */
  restartSandbox(): Promise<void>
  assertNoSecretsLeaked(): Promise<void>
}

export interface TestbedOptions {
  sandbox?: SandboxOptions
  /** Skip the keychain (for files that need none); default: start it. */
  keychain?: boolean
}

export const KEYCHAIN_MISSING = missingKeyringBinaries()

export function useAuthTestbed(options: TestbedOptions = {}): AuthTestbed {
  let sandbox: RunningSandbox | undefined
  let keyring: KeyringSession | undefined
  let port = 0
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-auth-'))
  const logs: string[] = []
  const output: string[] = []
  const secrets = new Set<string>()
  let tokenPosts = 0
  let nextId = 1
  const realFetch = globalThis.fetch

  beforeAll(async () => {
    if (options.keychain !== false) {
      if (KEYCHAIN_MISSING.length === 0) keyring = await keyringSession()
      else
        console.warn(
          `\n!!! KEYCHAIN TESTS SKIPPED: ${KEYCHAIN_MISSING.join(', ')} not found on PATH (install dbus and gnome-keyring, as scripts/test-all.sh does) !!!\n`
        )
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      const original = console[method].bind(console)
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        output.push(args.map(String).join(' '))
        original(...args)
      })
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
        output.push(String(chunk))
        return write(chunk, ...rest)
      })
    }
    globalThis.fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input))
      if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
        return Promise.reject(new Error(`test blocked a request to ${url.host}`))
      if (url.pathname.endsWith('/oauth2/v2.0/token')) tokenPosts += 1
      return realFetch(input, init)
    }
    port = await freePort()
    sandbox = await startSandbox({ port, seed: 'empty', ...options.sandbox })
    secrets.add(sandbox.clientSecret)
  })

  afterAll(async () => {
    globalThis.fetch = realFetch
    vi.restoreAllMocks()
    await sandbox?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const started = (): RunningSandbox => {
    if (!sandbox) throw new Error('The testbed is not started yet (use it inside a test).')
    return sandbox
  }

  return {
    get sandbox() {
      return started()
    },
    dataDir,
    get keyring() {
      return keyring
    },
    logs,
    tokenRequests: () => tokenPosts,
    service: (extra = {}) =>
      new AuthService({
        dataDir,
        log: (line) => logs.push(line),
        ...(keyring ? {} : { secrets: unavailableKeychain() }),
        ...extra
      }),
    env: (fields) => {
      const id = nextId++
      return { id, name: `env-${id}`, url: started().url, ...fields }
    },
    remember: (...values) => {
      for (const value of values) if (value) secrets.add(value)
    },
    async restartSandbox() {
      await started().close()
      sandbox = await startSandbox({ port, seed: 'empty', ...options.sandbox })
    },
    async assertNoSecretsLeaked() {
      if (keyring) for (const value of await cachedSecrets(dataDir)) secrets.add(value)
      expect(secrets.size).toBeGreaterThan(0)
      const places: [string, string][] = [
        ['log', logs.join('\n')],
        ['console output', output.join('')],
        ...filesUnder(dataDir).map((file): [string, string] => [file, readFileSync(file, 'latin1')])
      ]
      for (const [where, text] of places)
        for (const secret of secrets)
          expect(
            text.includes(secret),
            `a secret (${secret.length} chars) appears in ${where}`
          ).toBe(false)
    }
  }
}

/** Without binaries for a keyring, the layer sees what a machine without a keychain gives it. */
function unavailableKeychain(): SecretStore {
  return new KeytarSecretStore({
    load: () => Promise.reject(new Error('no keychain in this test run'))
  })
}

/** The decrypted token caches of a data folder, via the product's key in the keychain. */
export async function decryptedCaches(
  dataDir: string,
  store: SecretStore = new KeytarSecretStore()
): Promise<string[]> {
  const authDir = join(dataDir, 'auth')
  let namespace: string
  try {
    namespace = readFileSync(join(authDir, 'keychain-id'), 'utf8').trim()
  } catch {
    return []
  }
  const key = await store.get(secretAccounts.cacheKey(namespace))
  if (!key) return []
  return readdirSync(authDir)
    .filter((n) => /^token-cache-.*\.json$/.test(n))
    .map((name) =>
      open(readFileSync(join(authDir, name), 'utf8'), Buffer.from(key, 'base64'), name)
    )
}

/** The tokens inside the encrypted caches, so the scan looks for refresh tokens too. */
export async function cachedSecrets(dataDir: string): Promise<string[]> {
  const found: string[] = []
  for (const json of await decryptedCaches(dataDir)) {
    const cache = JSON.parse(json) as Record<string, Record<string, { secret?: string }>>
    for (const section of ['AccessToken', 'RefreshToken', 'IdToken'])
      for (const entry of Object.values(cache[section] ?? {}))
        if (entry.secret) found.push(entry.secret)
  }
  return found
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Rejects when `promise` takes longer than `ms`: a hang is a failure, not a stuck suite. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** The claims of a JWT, for assertions about who a token is for (never printed). */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
}
