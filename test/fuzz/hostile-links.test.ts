import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { trackChanges } from '../../src-main/dataverse/change-tracking'
import {
  AuthenticationError,
  DataverseError,
  ProtocolError,
  UnreachableError
} from '../../src-main/dataverse/errors'
import type { TransportOptions } from '../../src-main/dataverse/transport'
import { fuzz, nameOf, runs, scenario } from '../support/fuzz-kit'
import {
  expectNoToken,
  failure,
  fakeJwt,
  json,
  page,
  probeOf,
  useHostile,
  type Probe
} from '../support/fuzz-hostile-server'

/**
 * Links and redirects to another host, and random hostile answers, for the Web API client
 * (src-main/dataverse/transport.ts): a redirect is followed by no one, a link is resolved inside
 * the environment or refused with a ProtocolError, and whatever a server answers ends in the
 * data or a typed error that never carries the token. The scenarios of hostile bodies are in
 * hostile-hostile.server.test.ts.
 */

const TOKEN = fakeJwt()
const hostile = useHostile()
const foreignHost = useHostile({
  script: (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"value":[{"accountid":"00000000-0000-0000-0000-000000000001"}]}')
  }
})

const probe = (options: Partial<TransportOptions> = {}): Probe =>
  probeOf(hostile.server, TOKEN, options)

describe('links and redirects to another host', () => {
  it.each([301, 302, 303, 307, 308])(
    'a %i redirect is not followed: the foreign host gets nothing',
    async (status) => {
      foreignHost.server.seen.length = 0
      hostile.server.script = (_req, res) => {
        res.writeHead(status, {
          location: `${foreignHost.server.url}/api/data/v9.2/accounts?code=${TOKEN}`
        })
        res.end()
      }
      const { client, events } = probe()
      const error = await failure(client.query('accounts?$select=name').next())
      expect(foreignHost.server.seen).toEqual([])
      expect(error).toBeInstanceOf(ProtocolError)
      expect(error.message).toBe(
        `Dataverse at ${hostile.server.url} answered GET accounts with a redirect (${status}) to ${foreignHost.server.url}/api/data/v9.2/accounts; it was not followed, so your token stayed here. Check the environment URL.`
      )
      expectNoToken(TOKEN, error, events)
      scenario('hostile server', 'redirect to another host', 'ProtocolError, nothing sent there')
    }
  )

  it('a redirect within the environment is not followed either (the Web API never redirects)', async () => {
    hostile.server.script = (req, res) => {
      if (req.url.includes('moved')) return json(res, 200, page(1))
      res.writeHead(302, { location: '/api/data/v9.2/moved' })
      res.end()
    }
    const error = await failure(probe().client.query('accounts?$select=name').next())
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toMatch(
      /answered GET accounts with a redirect \(302\) to http:\/\/127\.0\.0\.1:\d+\/api\/data\/v9\.2\/moved;/
    )
  })

  it('a delta link to another host is not stored; one stored before says a full pull starts over', async () => {
    foreignHost.server.seen.length = 0
    const foreign = `${foreignHost.server.url}/api/data/v9.2/accounts?$deltatoken=1`
    hostile.server.script = (_req, res) =>
      json(
        res,
        200,
        { value: [], '@odata.deltaLink': foreign },
        { 'preference-applied': 'odata.track-changes' }
      )
    const { client } = probe()
    const track = (deltaLink?: string) =>
      trackChanges(client.transport, {
        entitySet: 'accounts',
        primaryId: 'accountid',
        select: ['name'],
        ...(deltaLink ? { deltaLink } : {})
      }).next()
    // The page that carries it is never handed over, so no pull can store its link.
    const refused = await failure(track())
    expect(refused).toBeInstanceOf(ProtocolError)
    expect(refused.message).toBe(
      `The service sent a delta link for accounts that points outside the environment ${hostile.server.url} ('${foreign}'); it was not stored, and the pages read are kept. Check the environment URL, then pull again.`
    )
    // A link stored by an earlier version: refused before anything is sent, and the way out said.
    const seen = hostile.server.seen.length
    const stored = await failure(track(foreign))
    expect(stored).toBeInstanceOf(ProtocolError)
    expect(stored.message).toBe(
      `The stored delta link for accounts points outside the environment ${hostile.server.url} ('${foreign}'), so it was not followed and your token stayed here. A full pull starts over without it: dvsync pull --full (or a full pull in the app) reads the table again and stores a new link.`
    )
    expect(hostile.server.seen).toHaveLength(seen)
    expect(foreignHost.server.seen).toEqual([])
    scenario(
      'hostile server',
      'delta link to another host',
      'ProtocolError, not stored, --full said'
    )
  })

  it('any link: resolved inside the environment, or a ProtocolError (property)', async () => {
    const { client } = probe()
    const host = new URL(foreignHost.server.url).host
    const link = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        `//${host}/x`,
        `HTTP://${host}/x`,
        `http:\\\\${host}\\x`,
        ` http://${host}/x`,
        `ht\ttp://${host}/x`,
        `http://127.0.0.1:1@${host}/x`,
        `${hostile.server.url}@${host}/x`,
        `${hostile.server.url}.${host}/x`,
        'http://[::1]/x',
        'http://[bad',
        'https://',
        'http://%zz/',
        `${hostile.server.url}/../../x`,
        'file:///etc/passwd',
        'javascript:alert(1)'
      ),
      fc
        .tuple(
          fc.constantFrom('http', 'https', 'HTTP', 'hTtPs'),
          fc.webAuthority({ withIPv4: true, withIPv6: true, withPort: true, withUserInfo: true }),
          fc.webPath()
        )
        .map(([s, a, p]) => `${s}://${a}${p}`)
    )
    await fuzz(
      'transport links',
      'inside the environment or ProtocolError',
      link,
      (url) => {
        let resolved: string
        try {
          resolved = client.transport.resolve(url)
        } catch (err) {
          if (!(err instanceof ProtocolError))
            throw new Error(`resolve threw ${nameOf(err)} for ${JSON.stringify(url)}`, {
              cause: err
            })
          return 'refused'
        }
        expect(new URL(resolved).origin, url).toBe(hostile.server.url)
        return 'inside'
      },
      { numRuns: runs(5000) }
    )
  })
})

describe('random hostile answers (property)', () => {
  it('a typed error or the data, never the token, always an end', async () => {
    const answer = fc.record({
      status: fc.constantFrom(
        200,
        200,
        204,
        301,
        302,
        400,
        401,
        403,
        404,
        412,
        429,
        500,
        502,
        503,
        504,
        599
      ),
      type: fc.constantFrom(
        'application/json',
        'application/json; odata.metadata=minimal',
        'text/html',
        'text/plain',
        '',
        'multipart/mixed; boundary=b'
      ),
      body: fc.oneof(
        fc.constant('echo'),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.constant(JSON.stringify(page(3))),
        fc.string({ maxLength: 200 }),
        fc.constantFrom(
          '{"error":{"code":"0x80060888","message":"Bearer ECHO"}}',
          '{"value":[',
          '<html>ECHO</html>',
          'ECHO'
        )
      ),
      retryAfter: fc.option(
        fc.constantFrom('0', '1', '-1', 'abc', 'Wed, 21 Oct 2015 07:28:00 GMT', '99999999999')
      ),
      location: fc.option(fc.constantFrom('/x', 'http://127.0.0.1:1/x', 'ECHO'))
    })
    await fuzz(
      'hostile server',
      'random answers: typed error or data, no token',
      fc.array(answer, { minLength: 1, maxLength: 3 }),
      async (answers) => {
        let n = 0
        hostile.server.script = (req, res) => {
          const a = answers[Math.min(n++, answers.length - 1)]!
          const echoed = (req.headers.authorization ?? '').replace('Bearer ', '')
          const body = (
            a.body === 'echo' ? `Authorization: ${req.headers.authorization}` : a.body
          ).replace(/ECHO/g, echoed)
          const headers: Record<string, string> = {}
          if (a.type) headers['content-type'] = a.type
          if (a.retryAfter) headers['retry-after'] = a.retryAfter
          if (a.location) headers['location'] = a.location.replace('ECHO', echoed)
          res.writeHead(a.status, headers)
          res.end(a.status === 204 ? undefined : body)
        }
        const { client, events } = probe({ maxThrottleRetries: 2 })
        try {
          await client.query('accounts?$select=name').next()
          return 'data'
        } catch (err) {
          const typed = [DataverseError, ProtocolError, UnreachableError, AuthenticationError].some(
            (t) => err instanceof t
          )
          if (!typed)
            throw new Error(`untyped failure ${nameOf(err)}: ${String(err)}`, { cause: err })
          expectNoToken(TOKEN, err, events)
          return nameOf(err)
        }
      },
      { numRuns: runs(600), timeoutMs: 10_000 }
    )
  })
})
