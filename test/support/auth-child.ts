import { createHash } from 'node:crypto'
import { AuthService } from '../../src-main/auth/auth-service'
import { AuthFailedError } from '../../src-main/auth/errors'
import { DataverseClient } from '../../src-main/dataverse/client'
import type { EnvironmentConfig } from '../../src-shared/model/environment'

/**
 * A second process for the sign-in tests, run as `node --import tsx test/support/auth-child.ts`
 * with AUTH_CHILD_INPUT = {"mode", "dataDir", "env"}. It uses the product's AuthService with the
 * real keychain (whatever D-Bus session its environment points at) and prints one JSON line.
 * It never prints a token: only a SHA-256 of it, so the parent can compare.
 *
 * - silent: a token for `env` from the persisted, encrypted cache, then WhoAmI with it; reports
 *   how many token requests it made (0 = served from the cache written by the other process).
 * - sign-in: an interactive sign-in whose browser only records that it was asked to open.
 */

interface Input {
  mode: 'silent' | 'sign-in'
  dataDir: string
  env: EnvironmentConfig
}

const input = JSON.parse(process.env['AUTH_CHILD_INPUT'] ?? '{}') as Input
const logs: string[] = []
let tokenRequests = 0
const realFetch = globalThis.fetch
globalThis.fetch = (target, init) => {
  const url = new URL(target instanceof Request ? target.url : String(target))
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
    return Promise.reject(new Error(`blocked ${url.host}`))
  if (url.pathname.endsWith('/oauth2/v2.0/token')) tokenRequests += 1
  return realFetch(target, init)
}

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')

async function main(): Promise<Record<string, unknown>> {
  const service = new AuthService({ dataDir: input.dataDir, log: (line) => logs.push(line) })
  if (input.mode === 'silent') {
    const tokens = service.tokenSource(input.env)
    const token = await tokens.getToken()
    const client = new DataverseClient({ environmentUrl: input.env.url, tokens, maxAttempts: 1 })
    const me = await client.metadata.whoAmI()
    return { ok: true, tokenSha256: sha256(token), tokenRequests, userId: me.userId }
  }
  let browserOpened = false
  await service.signIn(input.env, {
    openBrowser: () => {
      browserOpened = true
      return Promise.resolve()
    },
    timeoutMs: 2_000
  })
  return { ok: true, browserOpened }
}

main()
  .catch((err: unknown) => ({
    ok: false,
    name: (err as Error).name,
    code: err instanceof AuthFailedError ? err.code : undefined,
    message: (err as Error).message,
    tokenRequests
  }))
  .then((result) => {
    process.stdout.write(`${JSON.stringify({ ...result, logs })}\n`)
  })
