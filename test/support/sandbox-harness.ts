import { afterAll, beforeAll, expect } from 'vitest'
import {
  startSandbox,
  type RunningSandbox,
  type SandboxOptions
} from '../../src-main/sandbox/index'

/**
 * One sandbox over real HTTP for a test file: start it (port 0), take a client-credentials token,
 * and talk to it with `api(method, path, { headers, body })` through the global fetch, the way any
 * Web API client would. Tokens never appear in test output: they only travel in headers.
 */

/** Response JSON, indexed freely by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any

export interface ApiResult {
  status: number
  headers: Headers
  text: string
  /** The parsed body when it is JSON, otherwise undefined. */
  json: Json
}

export interface ApiOptions {
  headers?: Record<string, string>
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown
  /** Another bearer token, or null for none; the harness's own token by default. */
  token?: string | null
  /** Abort (and fail the test) when no answer arrives in time: a hang is a bug too. */
  timeoutMs?: number
}

/** The headers every documented request sends (reference §8.1). */
const STANDARD_HEADERS: Record<string, string> = {
  Accept: 'application/json',
  'OData-MaxVersion': '4.0',
  'OData-Version': '4.0'
}

export interface Harness {
  sandbox: RunningSandbox
  token: string
  api(method: string, path: string, options?: ApiOptions): Promise<ApiResult>
  /** `path` relative to the Web API base, an absolute path (`/…`) or a full URL. */
  url(path: string): string
  close(): Promise<void>
}

export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, ...options })
  const token = await sandbox.appToken()
  const url = (path: string): string => {
    if (/^https?:\/\//.test(path)) return path
    if (path.startsWith('/')) return `${sandbox.url}${path}`
    return `${sandbox.apiBase}${path}`
  }
  return {
    sandbox,
    token,
    url,
    api: (method, path, opts = {}) => send(url(path), method, token, opts),
    close: () => sandbox.close()
  }
}

async function send(
  target: string,
  method: string,
  token: string,
  options: ApiOptions
): Promise<ApiResult> {
  const headers = new Headers(STANDARD_HEADERS)
  const bearer = options.token === undefined ? token : options.token
  if (bearer !== null) headers.set('Authorization', `Bearer ${bearer}`)
  let body: string | undefined
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body)
    headers.set('Content-Type', 'application/json')
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value)
  const response = await fetch(target, {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000)
  })
  const text = await response.text()
  let json: Json
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }
  return { status: response.status, headers: response.headers, text, json }
}

/**
 * A sandbox shared by the tests of one file: started before the first test, closed after the
 * last. Tests that share it use distinct records so they don't interfere.
 */
export function useSandbox(options: SandboxOptions = {}): Harness {
  let harness: Harness | undefined
  beforeAll(async () => {
    harness = await startHarness(options)
  })
  afterAll(async () => {
    await harness?.close()
  })
  const started = (): Harness => {
    if (!harness) throw new Error('The sandbox is not started yet (use it inside a test).')
    return harness
  }
  return {
    get sandbox() {
      return started().sandbox
    },
    get token() {
      return started().token
    },
    api: (method, path, opts) => started().api(method, path, opts),
    url: (path) => started().url(path),
    close: () => started().close()
  }
}

/** Small demo seed: enough rows for paging and filters, cheap to start. */
export const SMALL_SEED: SandboxOptions = { accounts: 12, contacts: 20, products: 30 }

/** Asserts Dataverse's error shape `{"error":{"code","message"}}` (reference §7.1). */
export function expectError(
  res: ApiResult,
  status: number,
  code: string,
  message?: string | RegExp
): void {
  expect(res.status, res.text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect(res.headers.get('odata-version')).toBe('4.0')
  expect(Object.keys(res.json ?? {})).toEqual(['error'])
  expect(res.json.error.code).toBe(code)
  expect(typeof res.json.error.message).toBe('string')
  if (typeof message === 'string') expect(res.json.error.message).toBe(message)
  else if (message) expect(res.json.error.message).toMatch(message)
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The id at the end of an OData-EntityId header: `…/accounts(<guid>)`. */
export function entityIdOf(res: ApiResult): string {
  const header = res.headers.get('odata-entityid') ?? ''
  const id = /\(([^()]*)\)$/.exec(header)?.[1] ?? ''
  expect(id, header).toMatch(GUID)
  return id
}

export { GUID }
