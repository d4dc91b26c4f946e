import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { trackChanges } from '../../src-main/dataverse/change-tracking'
import { ProtocolError, UnreachableError } from '../../src-main/dataverse/errors'
import { sleep, type TransportOptions } from '../../src-main/dataverse/transport'
import { runCli } from '../support/dvsync-cli'
import { scenario } from '../support/fuzz-kit'
import {
  failure,
  fakeJwt,
  json,
  page,
  probeOf,
  useHostile,
  type Probe
} from '../support/fuzz-hostile-server'

/**
 * Servers that never let a read end (issue 19 #10–12): a next link back to its own page, fresh
 * links to empty or repeated pages, Retry-After of a day or past setTimeout's range, bytes that
 * trickle, rows without the columns asked for. Each ends — in a ProtocolError naming the link, a
 * capped and announced wait, a timeout said on stderr — or is said in the run.
 */

const TOKEN = fakeJwt()
const hostile = useHostile()
const probe = (options: Partial<TransportOptions> = {}): Probe =>
  probeOf(hostile.server, TOKEN, options)
const id = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`
const tracked = { 'preference-applied': 'odata.track-changes' }

/** Every page of a query, or the error that ended it. */
async function readAll(pages: AsyncGenerator<unknown>): Promise<{ pages: number; error?: Error }> {
  let n = 0
  try {
    for await (const _ of pages) n += 1
    return { pages: n }
  } catch (err) {
    return { pages: n, error: err as Error }
  }
}

describe('next links that never end', () => {
  it('a next link back to its own page: a ProtocolError naming the link, after one request', async () => {
    let requests = 0
    hostile.server.script = (req, res) => {
      requests += 1
      // A safety stop for the code before the fix, which followed it forever.
      if (requests > 500) return json(res, 200, page(1))
      json(res, 200, page(3, `${hostile.server.url}${req.url}`))
    }
    const { client } = probe()
    const read = await readAll(client.query('accounts?$select=name'))
    expect(read.error).toBeInstanceOf(ProtocolError)
    expect(read.error!.message).toBe(
      `The service sent a next-page link already followed while reading accounts (page 1, link '${hostile.server.url}/api/data/v9.2/accounts?$select=name'); reading on would never end, so the read stopped. Try again later; if it persists, check what answers at the environment URL.`
    )
    expect(requests).toBe(1)
    scenario('hostile server', 'next link to its own page', 'ProtocolError after 1 request')
  })

  it('a loop over two pages is caught as well', async () => {
    let requests = 0
    hostile.server.script = (req, res) => {
      requests += 1
      if (requests > 500) return json(res, 200, page(1))
      const other = req.url.includes('skiptoken=2') ? 'skiptoken=1' : 'skiptoken=2'
      json(res, 200, page(2, `${hostile.server.url}/api/data/v9.2/accounts?${other}`))
    }
    const read = await readAll(probe().client.query('accounts?skiptoken=1'))
    expect(read.error).toBeInstanceOf(ProtocolError)
    expect(read.error!.message).toMatch(/^The service sent a next-page link already followed/)
    expect(requests).toBe(2)
  })

  it('fresh links to empty pages: a ProtocolError after 20 empty pages', async () => {
    let requests = 0
    hostile.server.script = (_req, res) => {
      requests += 1
      if (requests > 500) return json(res, 200, page(0))
      json(res, 200, page(0, `${hostile.server.url}/api/data/v9.2/accounts?$skiptoken=${requests}`))
    }
    const read = await readAll(probe().client.query('accounts?$select=name'))
    expect(read.error).toBeInstanceOf(ProtocolError)
    expect(read.error!.message).toMatch(
      /^The service sent 20 empty pages in a row, each with a next-page link, while reading accounts \(page 20, /
    )
    expect(requests).toBe(20)
    scenario('hostile server', 'fresh links to empty pages', 'ProtocolError after 20 pages')
  })

  it('fresh links to the same rows (change tracking): a ProtocolError after 11 pages', async () => {
    let requests = 0
    const rows = [1, 2, 3].map((n) => ({ '@odata.etag': 'W/"1"', accountid: id(n), name: 'x' }))
    hostile.server.script = (_req, res) => {
      requests += 1
      if (requests > 500) return json(res, 200, { value: rows, '@odata.deltaLink': 'd' }, tracked)
      json(
        res,
        200,
        {
          value: rows,
          '@odata.nextLink': `${hostile.server.url}/api/data/v9.2/accounts?$skiptoken=${requests}`
        },
        tracked
      )
    }
    const read = await readAll(
      trackChanges(probe().client.transport, {
        entitySet: 'accounts',
        primaryId: 'accountid',
        select: ['name']
      })
    )
    expect(read.error).toBeInstanceOf(ProtocolError)
    expect(read.error!.message).toMatch(
      /^The service sent the same page of accounts changes 11 times under different links \(page 11, link '/
    )
    expect(read.pages).toBe(10)
    scenario('hostile server', 'fresh links to the same rows', 'ProtocolError after 11 pages')
  })
})

describe('Retry-After', () => {
  const throttleOnce = (value: string) => {
    let n = 0
    // Only the request under test: a page prefetched by the test before may still arrive.
    hostile.server.script = (req, res) => {
      if (req.url.endsWith('$select=name') && n++ === 0) {
        res.writeHead(429, { 'retry-after': value, 'content-type': 'application/json' })
        res.end(
          '{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}'
        )
        return
      }
      json(res, 200, page(1))
    }
  }

  it.each([
    ['86400', 300_000],
    ['999999999', 300_000],
    ['99999999999999999999', 300_000],
    ['Wed, 21 Oct 2099 07:28:00 GMT', 300_000],
    ['120', 120_000]
  ])(
    'Retry-After: %s is waited at most 5 minutes, and the wait is an event and a figure',
    async (value, ms) => {
      throttleOnce(value)
      const waits: number[] = []
      const { client, events } = probe({ sleep: async (w) => void waits.push(w) })
      await client.query('accounts?$select=name').next()
      expect(waits).toEqual([ms])
      expect(events).toEqual([
        { kind: 'throttled', waitMs: ms, resource: 'accounts', retryAfter: value }
      ])
      expect(client.metrics.snapshot()).toMatchObject({ throttled: 1, throttleWaitMs: ms })
    }
  )

  it.each(['abc', '-1', '1e3', '0x10', '1.5'])(
    'Retry-After: %s is no wait: the backoff is used',
    async (value) => {
      throttleOnce(value)
      const waits: number[] = []
      const { client } = probe({
        sleep: async (w) => void waits.push(w),
        baseDelayMs: 500,
        random: () => 0.5
      })
      await client.query('accounts?$select=name').next()
      expect(waits).toEqual([375])
    }
  )

  it('a wait past setTimeout’s range neither fires at once nor warns', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      const controller = new AbortController()
      let done = false
      const waiting = sleep(2 ** 40, controller.signal).then(
        () => (done = true),
        () => 'cancelled'
      )
      await new Promise((r) => setTimeout(r, 50))
      expect(done).toBe(false)
      controller.abort()
      await expect(waiting).resolves.toBe('cancelled')
      await new Promise((r) => setImmediate(r))
      expect(warnings).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })
})

describe('slow answers', () => {
  it('a trickle of bytes: two timeouts at most, not six, each retry said', async () => {
    const timers: NodeJS.Timeout[] = []
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"value":[')
      timers.push(setInterval(() => res.write(' '), 50))
    }
    const { client, events } = probe({ timeoutMs: 500, maxAttempts: 6 })
    const started = Date.now()
    const error = await failure(client.query('accounts?$select=name').next())
    timers.forEach(clearInterval)
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(
      /after 2 attempt\(s\): the answer was still incomplete after 500 ms\.$/
    )
    expect(events.filter((e) => e.kind === 'retry')).toHaveLength(1)
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('an answer that stops mid-body: given up at the idle timeout, before the total one', async () => {
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"value":[')
    }
    const { client, events } = probe({ timeoutMs: 20_000, idleTimeoutMs: 300, maxAttempts: 6 })
    const started = Date.now()
    const error = await failure(client.query('accounts?$select=name').next())
    expect(error).toBeInstanceOf(UnreachableError)
    expect(error.message).toMatch(
      /after 2 attempt\(s\): the answer stalled: nothing more arrived for 300 ms\.$/
    )
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'retry',
        reason: 'the answer stalled: nothing more arrived for 300 ms'
      })
    ])
    expect(Date.now() - started).toBeLessThan(3000)
    scenario('hostile server', 'answer stalls mid-body', 'UnreachableError at the idle timeout')
  })
})

describe('rows without the selected columns', () => {
  it('each page says which selected columns its rows came without', async () => {
    hostile.server.script = (_req, res) =>
      json(
        res,
        200,
        {
          value: [
            { '@odata.etag': 'W/"1"', accountid: id(1), name: null },
            { '@odata.etag': 'W/"1"', accountid: id(2) },
            { '@odata.etag': 'W/"1"', accountid: id(3) },
            {
              '@odata.context': 'x/$metadata#accounts/$deletedEntity',
              id: id(4),
              reason: 'deleted'
            }
          ],
          '@odata.deltaLink': `${hostile.server.url}/api/data/v9.2/accounts?$deltatoken=1`
        },
        tracked
      )
    const first = await trackChanges(probe().client.transport, {
      entitySet: 'accounts',
      primaryId: 'accountid',
      select: ['name', 'accountnumber']
    }).next()
    expect(first.value?.missingColumns).toEqual({ name: 2, accountnumber: 3 })
  })
})

describe('through dvsync (a child process)', () => {
  const withEnvironment = async (
    run: (dataDir: string, env: Record<string, string>) => Promise<void>
  ): Promise<void> => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-paging-'))
    try {
      const added = await runCli([
        'env',
        'add',
        'h',
        '--url',
        hostile.server.url,
        '--auth',
        'env-token',
        '--data-dir',
        dataDir
      ])
      expect(added.code, added.stderr).toBe(0)
      await run(dataDir, { DVSYNC_ACCESS_TOKEN: TOKEN })
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }

  it('Retry-After: 999999999 — the capped wait is said on stderr, with no Node warning', async () => {
    hostile.server.script = (_req, res) => {
      res.writeHead(429, { 'retry-after': '999999999', 'content-type': 'application/json' })
      res.end('{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit."}}')
    }
    await withEnvironment(async (dataDir, env) => {
      const run = runCli(['tables', '--env', 'h', '--data-dir', dataDir], {
        env,
        timeoutMs: 20_000,
        // Ends the 5-minute wait once it has been said (as a user would with Ctrl+C).
        onStderr: (text, child) => {
          if (/waiting 5 min/.test(text)) child.kill('SIGINT')
        }
      })
      const done = await run
      expect(done.stderr).toMatch(
        /Dataverse is throttling requests \(429 on EntityDefinitions\): waiting 5 min \(it asked for Retry-After: 999999999; 5 min is the longest wait\)\./
      )
      expect(done.stderr).not.toMatch(/Warning|TimeoutOverflow/)
      expect(done.stderr.match(/throttling/g)).toHaveLength(1)
    })
    scenario(
      'hostile server',
      'Retry-After 999999999 through dvsync',
      'capped at 5 min, said, no warning'
    )
  })

  it('a slow loris: dvsync gives up within seconds with DVSYNC_REQUEST_TIMEOUT_SECONDS, and says so', async () => {
    const timers: NodeJS.Timeout[] = []
    hostile.server.script = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"value":[')
      timers.push(setInterval(() => res.write(' '), 100))
    }
    try {
      await withEnvironment(async (dataDir, env) => {
        const started = Date.now()
        const done = await runCli(['tables', '--env', 'h', '--data-dir', dataDir], {
          env: { ...env, DVSYNC_REQUEST_TIMEOUT_SECONDS: '1' },
          timeoutMs: 25_000
        })
        expect(Date.now() - started).toBeLessThan(15_000)
        expect(done.code).not.toBe(0)
        expect(done.stderr).toMatch(
          /EntityDefinitions: the answer was still incomplete after 1000 ms; retry 1 in /
        )
        expect(done.stderr).toMatch(
          /after 2 attempt\(s\): the answer was still incomplete after 1000 ms/
        )
      })
    } finally {
      timers.forEach(clearInterval)
    }
    scenario(
      'hostile server',
      'slow loris through dvsync',
      'gives up after 2 timeouts, said on stderr'
    )
  })
})
