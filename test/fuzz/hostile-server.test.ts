import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProtocolError, UnreachableError } from '../../src-main/dataverse/errors'
import type { TransportOptions } from '../../src-main/dataverse/transport'
import { dvsync } from '../support/fuzz-cli'
import { nameOf, scenario } from '../support/fuzz-kit'
import {
  expectNoToken,
  failure,
  fakeJwt,
  JWT_SHAPED,
  json,
  page,
  probeOf,
  useHostile,
  type Probe
} from '../support/fuzz-hostile-server'

/**
 * The Web API client (src-main/dataverse/transport.ts and what reads its answers) against a
 * hostile or broken server on 127.0.0.1: wrong content types, bodies cut short or dropped,
 * a 50 MB page, an endless body, a byte every 100 ms, bodies that echo the Authorization
 * header (redirects, links and random answers: hostile-links.test.ts). Each ends in a clear, typed error (or the data),
 * a foreign host never receives the token, and the token never appears in an error message,
 * stack, retry event or log line.
 */

const TOKEN = fakeJwt()
const hostile = useHostile()

const probe = (options: Partial<TransportOptions> = {}): Probe =>
  probeOf(hostile.server, TOKEN, options)

describe('wrong content types and bodies', () => {
  it.each([
    ['text/html; charset=utf-8', '<html><body>Sign in to the corporate proxy</body></html>'],
    ['text/plain', 'Service Unavailable'],
    ['application/xml', '<?xml version="1.0"?><feed/>'],
    ['application/octet-stream', '\u0000\u0001\u0002'],
    ['', '{"value":[]}']
  ])('%s: a ProtocolError that says what arrived', async (type, body) => {
    hostile.server.script = (_req, res) => {
      res.writeHead(200, type ? { 'content-type': type } : {})
      res.end(body)
    }
    const { client, events } = probe()
    const error = await failure(client.query('accounts?$select=name').next())
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toMatch(/^Expected JSON for the page of accounts but the service sent '/)
    expectNoToken(TOKEN, error, events)
    scenario('hostile server', 'wrong content type', 'ProtocolError')
  })

  it('JSON cut short (Content-Length matching): a ProtocolError saying it may have been cut off', async () => {
    hostile.server.script = (_req, res) => {
      const text = JSON.stringify(page(50)).slice(0, 300)
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(text.length)
      })
      res.end(text)
    }
    const { client, events } = probe()
    const error = await failure(client.query('accounts?$select=name').next())
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toMatch(/is not valid JSON .*; it may have been cut off in transit\.$/)
    expectNoToken(TOKEN, error, events)
    scenario('hostile server', 'truncated JSON', 'ProtocolError')
  })

  it('connection dropped mid-body: retried, then an UnreachableError', async () => {
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' })
      res.write(JSON.stringify(page(50)).slice(0, 500))
      setTimeout(() => res.socket?.destroy(), 20)
    }
    const { client, events } = probe()
    const error = await failure(client.query('accounts?$select=name').next())
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(
      /^Could not get an answer from http:\/\/127\.0\.0\.1:\d+ for GET accounts after 2 attempt\(s\): /
    )
    expect(events.filter((e) => e.kind === 'retry')).toHaveLength(1)
    expectNoToken(TOKEN, error, events)
    scenario('hostile server', 'connection dropped mid-body', 'UnreachableError after retries')
  })

  it('a byte every 100 ms (slow loris): abandoned at the timeout, retried, then an UnreachableError', async () => {
    const timers: NodeJS.Timeout[] = []
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"value":[')
      timers.push(setInterval(() => res.write(' '), 100))
    }
    const { client, events } = probe({ timeoutMs: 800 })
    const started = Date.now()
    const error = await failure(client.query('accounts?$select=name').next())
    timers.forEach(clearInterval)
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(
      /after 2 attempt\(s\): the answer was still incomplete after 800 ms\.$/
    )
    expect(Date.now() - started).toBeLessThan(5000)
    expectNoToken(TOKEN, error, events)
    scenario('hostile server', 'slow loris body', 'UnreachableError at the timeout')
  })
})

describe('huge and endless bodies', () => {
  it('a 50 MB page is read with bounded memory', async () => {
    const row = { name: 'x'.repeat(10_000) }
    const rows = 5000
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"value":[')
      for (let i = 0; i < rows; i++) res.write(`${i ? ',' : ''}${JSON.stringify(row)}`)
      res.end(']}')
    }
    global.gc?.()
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
    const started = Date.now()
    const { client } = probe({ timeoutMs: 60_000 })
    const first = await client.query('accounts?$select=name').next()
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage().rss)
    expect(first.value?.rows).toHaveLength(rows)
    const grew = Math.round((peak - before) / 2 ** 20)
    console.log(
      `hostile server: a 50 MB page, ${rows} rows in ${Date.now() - started} ms, peak RSS +${grew} MB`
    )
    // The body (50 MB), its text and the parsed rows: a few times the page, never unbounded.
    expect(grew).toBeLessThan(600)
    scenario('hostile server', '50 MB page', `read, peak RSS +${grew} MB`, Date.now() - started)
  })

  it('an endless body is abandoned at the response limit with a clear error', async () => {
    let sent = 0
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      const chunk = Buffer.alloc(1 << 20, 0x20)
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) sent += chunk.length
        if (!res.destroyed) res.once('drain', pump)
      }
      res.write('{"value":[')
      pump()
    }
    const { client, events } = probe({ timeoutMs: 60_000, maxResponseBytes: 64 * 2 ** 20 })
    global.gc?.()
    const before = process.memoryUsage().rss
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5)
    const error = await failure(client.query('accounts?$select=name').next())
    clearInterval(sampler)
    const grew = Math.round((peak - before) / 2 ** 20)
    // The limit, and a chunk or two past it: what was read is dropped, not kept growing.
    expect(grew).toBeLessThan(64 + 100)
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toBe(
      `The answer to GET accounts from ${hostile.server.url} is larger than 64 MB; it was abandoned. Ask for smaller pages (dvsync pull --page-size) or check what answers at this address.`
    )
    expect(events).toEqual([])
    expect(sent).toBeLessThan(200 * 2 ** 20)
    expectNoToken(TOKEN, error, events)
    scenario(
      'hostile server',
      'endless body',
      `ProtocolError at the 64 MB limit, peak RSS +${grew} MB`
    )
  })
})

describe('bodies that echo the token', () => {
  const echo = (auth: string | undefined): string => `you sent: Authorization: ${auth ?? ''}`
  it.each([
    ['a 401 (twice)', 401, 'json'],
    ['a 400 with Dataverse’s error shape', 400, 'json'],
    ['a 404', 404, 'json'],
    ['a 500 HTML page (retried)', 500, 'html'],
    ['a 503 text (retried)', 503, 'text'],
    ['a 200 HTML page', 200, 'html']
  ])('%s: the error never carries it', async (_what, status, kind) => {
    hostile.server.script = (req, res) => {
      const message = echo(req.headers.authorization)
      if (kind === 'json') return json(res, status, { error: { code: '0x80040217', message } })
      res.writeHead(status, { 'content-type': kind === 'html' ? 'text/html' : 'text/plain' })
      res.end(kind === 'html' ? `<html><body><pre>${message}</pre></body></html>` : message)
    }
    const { client, events } = probe()
    const error = await failure(client.query('accounts?$select=name').next())
    expect(error.message).toMatch(/Bearer \[redacted\]/)
    expectNoToken(TOKEN, error, events)
    scenario('hostile server', 'token echoed in a body', nameOf(error))
  })

  it('a $batch part that echoes it: the failed write’s message never carries it', async () => {
    hostile.server.script = (req, res) => {
      const boundary = 'batchresponse_1'
      const body = `--${boundary}\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ error: { code: '0x0', message: echo(req.headers.authorization) } })}\r\n--${boundary}--\r\n`
      res.writeHead(200, { 'content-type': `multipart/mixed; boundary=${boundary}` })
      res.end(body)
    }
    const { client } = probe()
    const outcomes = await client.writes.batch([
      {
        method: 'PATCH',
        path: 'accounts(00000000-0000-0000-0000-000000000001)',
        body: { name: 'x' }
      }
    ])
    expect(outcomes[0]).toMatchObject({ ok: false, status: 400 })
    expectNoToken(TOKEN, JSON.stringify(outcomes))
    expect(JSON.stringify(outcomes)).toMatch(/Bearer \[redacted\]/)
  })
})

describe('through dvsync', () => {
  it('a service that echoes the token: the CLI says what failed and never prints it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-hostile-cli-'))
    try {
      hostile.server.script = (req, res) =>
        json(res, 400, {
          error: {
            code: '0x80048d19',
            message: `Bad request; you sent ${req.headers.authorization}`
          }
        })
      const env = { DVSYNC_ACCESS_TOKEN: TOKEN }
      const added = await dvsync(dataDir, [
        'env',
        'add',
        'h',
        '--url',
        hostile.server.url,
        '--auth',
        'env-token'
      ])
      expect(added.code, added.stderr).toBe(0)
      for (const args of [
        ['env', 'test', 'h'],
        ['env', 'test', 'h', '--json'],
        ['tables', '--env', 'h']
      ]) {
        const run = await dvsync(dataDir, args, env)
        expect(run.code, run.stderr).toBe(2)
        expect(run.stderr).toMatch(/Bad request; you sent Bearer \[redacted\]/)
        for (const text of [run.stdout, run.stderr]) {
          expect(text).not.toContain(TOKEN)
          expect(text).not.toMatch(JWT_SHAPED)
        }
      }
      scenario('hostile server', 'token echoed, seen through dvsync', 'exit 2, token redacted')
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
