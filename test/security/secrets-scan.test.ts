import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices } from '../../src-main/app/app-services'
import { createServices } from '../../src-main/app/services'
import { KeytarSecretStore } from '../../src-main/auth/keytar-secret-store'
import { secretAccounts } from '../../src-main/auth/secret-store'
import { createHandlers, dispatch } from '../../src-main/ipc/handlers'
import { startSandbox, type RunningSandbox } from '../../src-main/sandbox/index'
import type { InvokeChannel } from '../../src-shared/channels'
import type { Result } from '../../src-shared/contract'
import { FakeBrowser } from '../support/fake-browser'
import { dvsync } from '../support/fuzz-cli'
import { JWT_SHAPED } from '../support/fuzz-hostile-server'
import { keyringSession, missingKeyringBinaries } from '../support/keyring-session'

/**
 * A secrets scan after a realistic run, end to end and all real: the sandbox as Dataverse and
 * identity provider, the OS keychain (gnome-keyring in a private D-Bus session), the desktop
 * app's services through their IPC handlers (three environments: the demo app, a demo user
 * signed in through the browser, a client secret), a pull with its changes, then `dvsync` pulls,
 * a push (plan + apply), run history and reports in three formats.
 *
 * Every secret that crossed the wire is collected as it went by — access, refresh and id
 * tokens from the token endpoint's answers, bearer tokens sent to Dataverse, authorization
 * codes and PKCE verifiers, client secrets — plus the sandbox's admin key and the token cache's
 * key from the keychain. None of them, and nothing shaped like a JWT, may appear in the data
 * folder (SQLite and its journal, the sealed token cache, locks), the logs, the IPC replies,
 * the CLI's output, the exported reports, or test-results/.
 */

const MISSING = missingKeyringBinaries()
const MIN_SECRET = 8

let sandbox: RunningSandbox
let dataDir: string
let work: string
const realFetch = globalThis.fetch
const seen = {
  accessTokens: new Set<string>(),
  refreshTokens: new Set<string>(),
  idTokens: new Set<string>(),
  codes: new Set<string>(),
  verifiers: new Set<string>(),
  clientSecrets: new Set<string>()
}
const logs: string[] = []
const ipcReplies: unknown[] = []
const cliOutput: string[] = []
const reports: string[] = []

/** Everything a request or a token answer carries that is secret, collected as it goes by. */
function collect(input: string | URL | Request, init?: RequestInit): void {
  const headers = new Headers(input instanceof Request ? input.headers : init?.headers)
  const bearer = /^Bearer (.+)$/.exec(headers.get('authorization') ?? '')?.[1]
  if (bearer) seen.accessTokens.add(bearer)
  const body = init?.body
  const form =
    typeof body === 'string' ? body : body instanceof URLSearchParams ? body.toString() : ''
  if (form.includes('=')) {
    const params = new URLSearchParams(form)
    for (const [name, set] of [
      ['client_secret', seen.clientSecrets],
      ['refresh_token', seen.refreshTokens],
      ['code', seen.codes],
      ['code_verifier', seen.verifiers]
    ] as const) {
      const value = params.get(name)
      if (value) set.add(value)
    }
  }
}

async function collectAnswer(url: string, response: Response): Promise<void> {
  if (!new URL(url).pathname.endsWith('/oauth2/v2.0/token')) return
  const json = (await response
    .clone()
    .json()
    .catch(() => ({}))) as Record<string, unknown>
  for (const [name, set] of [
    ['access_token', seen.accessTokens],
    ['refresh_token', seen.refreshTokens],
    ['id_token', seen.idTokens]
  ] as const)
    if (typeof json[name] === 'string') set.add(json[name])
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })

/** Every file under a folder, as bytes. */
function files(dir: string): { path: string; bytes: Buffer }[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [{ path, bytes: readFileSync(path) }]
  })
}

/** Where each secret (or anything JWT-shaped) occurs: as UTF-8/Latin-1 text and as UTF-16. */
function leaks(places: { name: string; text: string }[], secrets: readonly string[]): string[] {
  const found: string[] = []
  for (const { name, text } of places) {
    for (const secret of secrets)
      if (secret.length >= MIN_SECRET && text.includes(secret))
        found.push(`${name}: contains a secret (${secret.slice(0, 6)}…)`)
    const jwt = JWT_SHAPED.exec(text)
    if (jwt) found.push(`${name}: a JWT-shaped string (${jwt[0].slice(0, 12)}…)`)
  }
  return found
}
const asText = (name: string, bytes: Buffer): { name: string; text: string }[] => [
  { name, text: bytes.toString('latin1') },
  { name: `${name} (as UTF-16)`, text: bytes.toString('utf16le') }
]

describe.skipIf(MISSING.length > 0)('secrets scan after a realistic run', () => {
  beforeAll(async () => {
    await keyringSession()
    work = mkdtempSync(join(tmpdir(), 'dvsync-security-secrets-'))
    dataDir = join(work, 'data')
    sandbox = await startSandbox({
      port: await freePort(),
      accounts: 12,
      contacts: 20,
      products: 30
    })
    globalThis.fetch = async (input, init) => {
      collect(input, init)
      const response = await realFetch(input, init)
      await collectAnswer(input instanceof Request ? input.url : String(input), response)
      return response
    }
  })
  afterAll(async () => {
    globalThis.fetch = realFetch
    await sandbox?.close()
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('the desktop app: three environments, a browser sign-in, a pull and its changes', async () => {
    const browser = new FakeBrowser()
    const services = createServices({
      dataDir,
      openBrowser: browser.openBrowser,
      log: (l) => logs.push(l)
    })
    const app = createAppServices({
      services,
      dataDir,
      appInfo: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: 'linux' },
      sandbox: { port: await freePort() },
      log: (l) => logs.push(l)
    })
    const handlers = createHandlers(app)
    app.events.subscribe((event, payload) => ipcReplies.push({ event, payload }))
    const call = async <T>(channel: InvokeChannel, input: unknown): Promise<T> => {
      const reply = (await dispatch(handlers, channel, input)) as Result<T>
      ipcReplies.push(reply)
      if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`)
      return reply.value
    }
    try {
      const demoApp = await call<{ id: number }>('environments:add', {
        authKind: 'sandbox',
        name: 'app',
        url: sandbox.url,
        signInAsUser: false
      })
      const user = await call<{ id: number }>('environments:add', {
        authKind: 'sandbox',
        name: 'user',
        url: sandbox.url,
        signInAsUser: true
      })
      await call('environments:signIn', { id: user.id })
      const secret = await call<{ id: number }>('environments:add', {
        authKind: 'client-secret',
        name: 'cs',
        url: sandbox.url,
        tenantId: sandbox.tenantId,
        clientId: sandbox.clientId,
        clientSecret: sandbox.clientSecret,
        authority: sandbox.authority
      })
      for (const id of [demoApp.id, user.id, secret.id]) await call('environments:test', { id })
      await call('tables:list', { environmentId: user.id })
      const { runId } = await call<{ runId: number }>('pulls:start', {
        environmentId: user.id,
        table: 'product'
      })
      const deadline = Date.now() + 30_000
      while ((await call<unknown[]>('pulls:active', {})).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100))
      const page = await call<{ items: unknown[] }>('pulls:changes', {
        runId,
        offset: 0,
        limit: 50
      })
      expect(page.items.length).toBeGreaterThan(0)
    } finally {
      await app.close()
    }
    if (browser.lastDelivery?.fields['code']) seen.codes.add(browser.lastDelivery.fields['code'])
  })

  it('dvsync: pulls, a push, run history and reports', async () => {
    const run = async (args: string[]): Promise<string> => {
      const r = await dvsync(dataDir, args)
      cliOutput.push(r.stdout, r.stderr)
      expect(r.code, `dvsync ${args.join(' ')}: ${r.stderr}`).toBe(0)
      return r.stdout
    }
    await run(['pull', '--env', 'cs', '--table', 'account', '--json'])
    await run(['pull', '--env', 'user', '--table', 'product'])
    const source = join(work, 'products.csv')
    writeFileSync(source, 'productnumber,name\nSEC-0001,Scanned one\nSEC-0002,Scanned two\n')
    await run([
      'push',
      '--env',
      'user',
      '--table',
      'product',
      '--source',
      source,
      '--key',
      'productnumber',
      '--yes',
      '--json'
    ])
    await run(['changes', '--env', 'user', '--table', 'product', '--json'])
    await run(['env', 'list', '--json'])
    const { runs } = JSON.parse(await run(['runs', '--json'])) as {
      runs: { id: number; kind: string; status: string; counts: { created: number } }[]
    }
    // A realistic run: pulls from the app and from dvsync, a plan and its apply (whose own
    // delta pulls are parts of them, not runs of their own).
    expect(runs.map((r) => `${r.kind} ${r.status}`).sort()).toEqual([
      'apply completed',
      'plan completed',
      ...Array(3).fill('pull completed')
    ])
    expect(runs.find((r) => r.kind === 'apply')?.counts.created).toBe(2)
    const ids = runs.map((r) => r.id)
    for (const id of ids.slice(0, 3))
      for (const format of ['html', 'csv', 'json']) {
        const out = join(work, `report-${id}.${format}`)
        await run(['report', String(id), '--format', format, '--out', out])
        reports.push(out)
      }
  })

  it('finds no secret anywhere: data folder, logs, IPC replies, CLI output, reports, test-results', async () => {
    const ns = readFileSync(join(dataDir, 'auth', 'keychain-id'), 'utf8').trim()
    const keychain = new KeytarSecretStore()
    const cacheKey = await keychain.get(secretAccounts.cacheKey(ns))
    const storedSecret = await keychain.get(secretAccounts.clientSecret(ns, 3))
    // The scan would be empty without them: every kind of secret was seen on the wire.
    expect(seen.accessTokens.size, 'access tokens').toBeGreaterThanOrEqual(3)
    expect(seen.refreshTokens.size, 'refresh tokens').toBeGreaterThanOrEqual(1)
    expect(seen.idTokens.size, 'id tokens').toBeGreaterThanOrEqual(1)
    expect(seen.codes.size, 'authorization codes').toBeGreaterThanOrEqual(1)
    expect(seen.verifiers.size, 'PKCE verifiers').toBeGreaterThanOrEqual(1)
    expect(seen.clientSecrets.size, 'client secrets').toBeGreaterThanOrEqual(1)
    expect(cacheKey, 'the token cache key is in the keychain').toMatch(/^[A-Za-z0-9+/]{43}=$/)
    expect(storedSecret, 'the client secret is in the keychain').toBe(sandbox.clientSecret)
    const secrets = [
      ...Object.values(seen).flatMap((s) => [...s]),
      sandbox.clientSecret,
      sandbox.adminKey,
      cacheKey!,
      Buffer.from(cacheKey!, 'base64').toString('hex'),
      Buffer.from(cacheKey!, 'base64').toString('base64url')
    ]
    const places = [
      ...files(dataDir).flatMap((f) => asText(f.path, f.bytes)),
      ...reports.flatMap((r) => asText(r, readFileSync(r))),
      ...files('test-results').flatMap((f) => asText(f.path, f.bytes)),
      { name: 'logs', text: logs.join('\n') },
      { name: 'IPC replies and events', text: JSON.stringify(ipcReplies) },
      { name: 'CLI output', text: cliOutput.join('\n') }
    ]
    // The database and the sealed token cache are there to be scanned.
    const names = files(dataDir).map((f) => f.path.slice(dataDir.length + 1))
    expect(names).toContain('dvsync.sqlite')
    expect(
      names.some((n) => /^auth\/token-cache-[0-9a-f]+\.json$/.test(n)),
      names.join()
    ).toBe(true)
    expect(reports.length).toBe(9)
    // The scanner itself finds what it looks for.
    expect(
      leaks([{ name: 'canary', text: `x ${[...seen.accessTokens][0]} y` }], secrets)
    ).toHaveLength(2)
    expect(leaks(places, secrets)).toEqual([])
    console.log(
      `secrets scan: ${secrets.length} secrets (${seen.accessTokens.size} access, ${seen.refreshTokens.size} refresh, ${seen.idTokens.size} id tokens, ${seen.codes.size} codes, ${seen.verifiers.size} verifiers, ${seen.clientSecrets.size + 1} client secrets, admin key, cache key) in ${places.length} places: none found`
    )
  })
})
