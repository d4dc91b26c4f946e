import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../../src-main/app/app-services'
import { createServices, type TokenProvider } from '../../src-main/app/services'
import { SignInRequiredError } from '../../src-main/auth/errors'
import { registerIpc } from '../../src-main/electron/ipc'
import { createHandlers, type Handlers } from '../../src-main/ipc/handlers'
import { INVOKE_CHANNELS, type InvokeChannel } from '../../src-shared/channels'
import { contract, type Result } from '../../src-shared/contract'
import { fuzz, runs } from '../support/fuzz-kit'
import { arbitraryOf } from '../support/fuzz-zod'

/**
 * IPC input (src-main/ipc/dispatch.ts and the contract's zod schemas) under random payloads,
 * through the real registration code (src-main/electron/ipc.ts) from the trusted window: for
 * every channel, anything the renderer could send — structured-clone values included (BigInt,
 * Date, Map, typed arrays, null prototypes), valid inputs mutated field by field, extra and
 * prototype keys. What must hold: input the schema refuses is INVALID_INPUT and never reaches a
 * handler; input it accepts runs on the real services and ends as a value that matches the
 * output schema or a typed error — never INTERNAL, never a stack trace in a message.
 */

let dataDir: string
let app: AppServices
let busy: Server
const calls: InvokeChannel[] = []
type Listener = (event: unknown, input: unknown) => Promise<unknown> | unknown
const listeners = new Map<string, Listener>()
const WINDOW = 7
const APP_URL = 'file:///app/out/renderer/index.html'
const trusted = { sender: { id: WINDOW }, senderFrame: { url: APP_URL, parent: null } }

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-ipc-'))
  // The built-in sandbox's port is taken: addSandbox answers CONFLICT instead of starting one.
  busy = createServer()
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
  const port = (busy.address() as { port: number }).port
  // Signed out everywhere, as on a machine without a keychain entry: nothing is sent anywhere.
  const signedOut = (): Promise<never> => Promise.reject(new SignInRequiredError('Sign in first.'))
  const auth: TokenProvider = {
    tokenSource: () => ({ getToken: signedOut }),
    signIn: signedOut,
    signOut: () => Promise.resolve(),
    isSignedIn: () => Promise.resolve(false),
    setClientSecret: () => Promise.resolve(),
    forgetEnvironment: () => Promise.resolve()
  }
  app = createAppServices({
    services: createServices({ dataDir, auth }),
    dataDir,
    appInfo: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: 'linux' },
    sandbox: { port }
  })
  const real = createHandlers(app)
  const recorded = Object.fromEntries(
    INVOKE_CHANNELS.map((channel) => [
      channel,
      (input: never) => {
        calls.push(channel)
        return (real[channel] as (i: never) => unknown)(input)
      }
    ])
  ) as unknown as Handlers
  registerIpc(
    { handle: (channel, listener) => listeners.set(channel, listener as Listener) },
    recorded,
    { webContentsId: () => WINDOW, isAppUrl: (url) => url === APP_URL }
  )
  // Something to find: an environment (id 1).
  const added = await invoke('environments:add', {
    authKind: 'env-token',
    name: 'prod',
    url: 'https://contoso.crm.dynamics.com'
  })
  expect(added).toMatchObject({ ok: true })
})

afterAll(async () => {
  await app.close()
  await new Promise((resolve) => busy.close(resolve))
  rmSync(dataDir, { recursive: true, force: true })
})

async function invoke(channel: string, input: unknown): Promise<Result<unknown>> {
  return (await listeners.get(channel)!(trusted, input)) as Result<unknown>
}

/**
 * A valid input of the channels: the seeds that mutations start from. A channel added to the
 * contract later starts from {} and from anything, until it gets seeds here.
 */
const VALID: Partial<Record<InvokeChannel, Record<string, unknown>[]>> = {
  'app:info': [{}],
  'environments:list': [{}],
  'environments:add': [
    { authKind: 'env-token', name: 'e1', url: 'https://contoso.crm.dynamics.com' },
    { authKind: 'interactive', name: 'e2', url: 'https://x.crm4.dynamics.com', tenantId: '' },
    {
      authKind: 'client-secret',
      name: 'e3',
      url: 'https://x.crm.dynamics.com',
      tenantId: 'contoso.onmicrosoft.com',
      clientId: '51f81489-12ee-4a9e-aaae-a2591f45987d',
      clientSecret: 'not-really'
    },
    {
      authKind: 'certificate',
      name: 'e4',
      url: 'https://x.crm.dynamics.com',
      tenantId: 't',
      clientId: 'c',
      certificatePath: '/nonexistent.pem'
    },
    {
      authKind: 'token-command',
      name: 'e5',
      url: 'https://x.crm.dynamics.com',
      tokenCommand: 'true'
    },
    { authKind: 'sandbox', name: 'e6', url: 'http://127.0.0.1:9', signInAsUser: true }
  ],
  'environments:addSandbox': [{}, { name: 'sb' }],
  'environments:remove': [{ id: 99 }],
  'environments:signIn': [{ id: 1 }],
  'environments:cancelSignIn': [{ id: 1 }],
  'environments:signOut': [{ id: 1 }],
  'environments:test': [{ id: 1 }],
  'tables:list': [{ environmentId: 1 }],
  'tables:get': [{ environmentId: 1, table: 'account' }],
  'tables:enableTracking': [{ environmentId: 1, table: 'account' }],
  'keys:list': [{ environmentId: 1, table: 'account' }],
  'keys:create': [
    { environmentId: 1, table: 'account', schemaName: 'new_NumberKey', columns: ['accountnumber'] }
  ],
  'keys:delete': [{ environmentId: 1, table: 'account', key: 'AccountNumberKey' }],
  'keys:reactivate': [{ environmentId: 1, table: 'account', key: 'accountnumberkey' }],
  'keys:duplicates': [{ environmentId: 1, table: 'account', key: 'AccountNumberKey', limit: 50 }],
  'pulls:start': [{ environmentId: 1, table: 'account', full: true }],
  'pulls:cancel': [{ environmentId: 1, table: 'account' }],
  'pulls:active': [{}],
  'pulls:list': [{ environmentId: 1, table: 'account', limit: 5 }],
  'pulls:changes': [{ runId: 1, actions: ['created'], search: 'x', offset: 0, limit: 10 }],
  'runs:list': [{ kind: 'pull', environmentId: 1, limit: 10 }]
}

/** Everything structured clone carries from a renderer, and what JSON carries. */
const anything = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withSparseArray: true
})
/** Field values near what is valid: ids, sizes, names and text at and past their limits. */
const near = fc.oneof(
  fc.integer({ min: -2, max: 3 }),
  fc.constantFrom(
    0,
    -0,
    1.5,
    2 ** 31,
    Number.MAX_SAFE_INTEGER + 2,
    NaN,
    Infinity,
    500,
    501,
    1000,
    1001
  ),
  fc.constantFrom(
    '',
    ' ',
    'account',
    'ACCOUNT',
    ' account ',
    'x'.repeat(129),
    'a'.repeat(2049),
    '../x',
    "a'b"
  ),
  fc.constantFrom(
    'https://contoso.crm.dynamics.com',
    'http://contoso.crm.dynamics.com',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'http://127.0.0.1:9'
  ),
  fc.constantFrom('created', 'pull', 'env-token', 'sandbox', true, false, null, undefined),
  fc.array(fc.constantFrom('created', 'updated', 'deleted', 'name', 'x'), { maxLength: 5 }),
  fc.string({ maxLength: 30 })
)
type Edit =
  | { op: 'set'; field: number; value: unknown }
  | { op: 'delete'; field: number }
  | { op: 'add'; key: string; value: unknown }
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), field: fc.nat(), value: fc.oneof(near, anything) }),
  fc.record({ op: fc.constant('delete' as const), field: fc.nat() }),
  fc.record({
    op: fc.constant('add' as const),
    key: fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'extra', 'toString'),
      fc.string({ maxLength: 8 })
    ),
    value: anything
  })
)

function apply(seed: Record<string, unknown>, edits: Edit[]): Record<string, unknown> {
  const input: Record<string, unknown> = { ...seed }
  for (const e of edits) {
    const keys = Object.keys(input)
    if (e.op === 'add')
      Object.defineProperty(input, e.key, {
        value: e.value,
        enumerable: true,
        configurable: true,
        writable: true
      })
    else if (keys.length === 0) continue
    else if (e.op === 'set') input[keys[e.field % keys.length]!] = e.value
    else delete input[keys[e.field % keys.length]!]
  }
  return input
}

/** Per channel, built once (an arbitrary from a regex is costly to build, cheap to draw from). */
const perChannel = new Map(
  INVOKE_CHANNELS.map((channel) => {
    const valid = arbitraryOf(contract[channel].input)
    const objects = valid.filter(
      (v): v is Record<string, unknown> => typeof v === 'object' && v !== null
    )
    return [
      channel,
      fc.oneof(
        // Valid by construction, from the channel's own schema (new channels included).
        { weight: 3, arbitrary: valid },
        {
          weight: 2,
          arbitrary: fc
            .tuple(
              fc.oneof(fc.constantFrom(...(VALID[channel] ?? [{}])), objects),
              fc.array(edit, { minLength: 1, maxLength: 3 })
            )
            .map(([seed, edits]) => apply(seed, edits))
        },
        { weight: 1, arbitrary: anything }
      )
    ] as const
  })
)
const payload = fc.oneof(
  ...INVOKE_CHANNELS.map((channel) => fc.tuple(fc.constant(channel), perChannel.get(channel)!))
)

describe('IPC input', () => {
  it('INVALID_INPUT for what the contract refuses, never INTERNAL for anything', async () => {
    await fuzz(
      'ipc input',
      'INVALID_INPUT or a typed outcome, never INTERNAL',
      payload,
      async ([channel, input]) => {
        const accepted = contract[channel].input.safeParse(input).success
        calls.length = 0
        const reply = await invoke(channel, input)
        expect(reply, channel).toHaveProperty('ok')
        if (!reply.ok) {
          expect(reply.error.code, `${channel}: ${reply.error.message}`).not.toBe('INTERNAL')
          expect(reply.error.message).not.toMatch(/\n\s+at /)
        }
        if (!accepted) {
          expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
          expect(calls, 'a refused input reached a handler').toEqual([])
          return 'INVALID_INPUT (refused by the contract)'
        }
        expect(calls).toEqual([channel])
        if (reply.ok) {
          const output = contract[channel].output.safeParse(reply.value)
          expect(output.success, `${channel} output: ${output.error?.message}`).toBe(true)
          return 'ok'
        }
        return reply.error.code
      },
      { numRuns: runs(6000), timeoutMs: 10_000 }
    )
  })
})
