import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import type { BatchOperation } from '../../src-main/dataverse/batch-format'
import { ProtocolError } from '../../src-main/dataverse/errors'
import { scenario } from '../support/fuzz-kit'
import {
  expectNoToken,
  failure,
  fakeJwt,
  json,
  probeOf,
  useHostile,
  type HostileRequest
} from '../support/fuzz-hostile-server'

/**
 * Writes answered 2xx with something that is not a write's answer (src-main/dataverse/writes.ts,
 * write-answers.ts): a proxy's HTML page, a CreateMultiple answer without its Ids, a $batch that
 * answers fewer or more requests than it was sent, or answers that can't be paired by Content-ID.
 * Each is a ProtocolError — never outcomes that an apply would journal as written (issue 19 #9).
 */

const TOKEN = fakeJwt()
const hostile = useHostile()
const probe = () => probeOf(hostile.server, TOKEN)

const id = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`
const targets = Array.from({ length: 15 }, (_, i) => ({ name: `n${i}` }))
const html = (res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/html' })
  res.end('<html><body>Welcome to the proxy</body></html>')
}

describe('bulk actions', () => {
  it.each(['CreateMultiple', 'UpsertMultiple', 'UpdateMultiple'] as const)(
    '%s answered 200 text/html: a ProtocolError, not 15 written records',
    async (action) => {
      hostile.server.script = (_req, res) => html(res)
      const { client, events } = probe()
      const error = await failure(client.writes.bulk(action, 'accounts', 'account', targets))
      expect(error).toBeInstanceOf(ProtocolError)
      expect(error.message).toBe(
        `The service answered ${action} on accounts with 200 text/html, starting '<html><body>Welcome to the proxy</body></html>', which is not how the Dataverse Web API answers a write; it was not counted as written. Check what answers at the environment URL (a proxy or gateway in between?).`
      )
      expectNoToken(TOKEN, error, events)
      scenario('hostile server', `${action} answered 200 text/html`, 'ProtocolError')
    }
  )

  it.each([
    ['no Ids', {}, 'no Ids array'],
    ['fewer Ids than targets', { Ids: [id(1), id(2)] }, '2 Ids'],
    ['Ids that are not GUIDs', { Ids: targets.map((_, i) => `id-${i}`) }, '15 Ids']
  ])('CreateMultiple answered 200 JSON with %s: a ProtocolError', async (_what, body, said) => {
    hostile.server.script = (_req, res) => json(res, 200, body)
    const error = await failure(
      probe().client.writes.bulk('CreateMultiple', 'accounts', 'account', targets)
    )
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toBe(
      `The answer to CreateMultiple on accounts does not list the 15 created record Ids (${said}); none of them was counted as created. Check the records in Dataverse before applying again.`
    )
  })

  it('the documented answers still count: Ids for CreateMultiple, 204 for the others', async () => {
    hostile.server.script = (req, res) => {
      if (req.url.endsWith('CreateMultiple'))
        return json(res, 200, { Ids: targets.map((_, i) => id(i + 1)) })
      res.writeHead(204)
      res.end()
    }
    const { client } = probe()
    await expect(
      client.writes.bulk('CreateMultiple', 'accounts', 'account', targets)
    ).resolves.toHaveLength(15)
    await expect(
      client.writes.bulk('UpsertMultiple', 'accounts', 'account', targets)
    ).resolves.toEqual([])
  })
})

/** A $batch answer with the given parts (status line, and Content-ID when given). */
function batchAnswer(res: ServerResponse, parts: { status: string; contentId?: string }[]): void {
  const boundary = 'batchresponse_1'
  const body =
    parts
      .map((p) =>
        [
          `--${boundary}`,
          'Content-Type: application/http',
          'Content-Transfer-Encoding: binary',
          ...(p.contentId !== undefined ? [`Content-ID: ${p.contentId}`] : []),
          '',
          `HTTP/1.1 ${p.status}`,
          'OData-Version: 4.0',
          '',
          ''
        ].join('\r\n')
      )
      .join('\r\n') + `\r\n--${boundary}--\r\n`
  res.writeHead(200, { 'content-type': `multipart/mixed; boundary=${boundary}` })
  res.end(body)
}

const operations: BatchOperation[] = [1, 2, 3].map((n) => ({
  method: 'PATCH',
  path: `accounts(${id(n)})`,
  body: { name: `n${n}` }
}))

describe('$batch', () => {
  it('each request carries Content-ID n; answers echoing them are paired by ID, whatever their order', async () => {
    let sent = ''
    hostile.server.script = (req: HostileRequest, res) => {
      sent = req.body
      batchAnswer(res, [
        { status: '412 Precondition Failed', contentId: '3' },
        { status: '204 No Content', contentId: '1' },
        { status: '204 No Content', contentId: '2' }
      ])
    }
    const outcomes = await probe().client.writes.batch(operations)
    expect(sent.match(/^Content-ID: \d+$/gm)).toEqual([
      'Content-ID: 1',
      'Content-ID: 2',
      'Content-ID: 3'
    ])
    expect(outcomes.map((o) => o.status)).toEqual([204, 204, 412])
  })

  it.each([
    [
      'fewer answers than requests',
      [{ status: '204 No Content' }, { status: '204 No Content' }],
      'has 2 answers for 3 requests'
    ],
    [
      'more answers than requests',
      Array.from({ length: 4 }, () => ({ status: '204 No Content' })),
      'has 4 answers for 3 requests'
    ],
    [
      'a Content-ID on some answers only',
      [
        { status: '204 No Content', contentId: '1' },
        { status: '204 No Content' },
        { status: '204 No Content' }
      ],
      'echoes a Content-ID on 1 of its 3 answers'
    ],
    [
      'one Content-ID answered twice',
      ['1', '1', '3'].map((contentId) => ({ status: '204 No Content', contentId })),
      "has an answer with Content-ID '1', which is not one of the 3 requests or answers one twice"
    ],
    [
      'a Content-ID no request had',
      ['1', '2', '7'].map((contentId) => ({ status: '204 No Content', contentId })),
      "has an answer with Content-ID '7'"
    ]
  ])('%s: a ProtocolError, no outcome', async (_what, parts, said) => {
    hostile.server.script = (_req, res) => batchAnswer(res, parts)
    const error = await failure(probe().client.writes.batch(operations))
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toContain(`The $batch response ${said}`)
    expect(error.message).toMatch(/none of its answers was taken as done/)
    scenario('hostile server', `$batch: ${_what}`, 'ProtocolError')
  })

  it('a part answered 200 text/html or 302: a ProtocolError, not a write done', async () => {
    for (const status of ['200 OK\r\nContent-Type: text/html', '302 Found']) {
      hostile.server.script = (_req, res) =>
        batchAnswer(res, [
          { status: '204 No Content', contentId: '1' },
          { status, contentId: '2' },
          { status: '204 No Content', contentId: '3' }
        ])
      const error = await failure(probe().client.writes.batch(operations))
      expect(error).toBeInstanceOf(ProtocolError)
      expect(error.message).toMatch(
        new RegExp(
          `^The service answered PATCH accounts\\(${id(2)}\\) in a \\$batch with ${status.slice(0, 3)}`
        )
      )
    }
  })
})

describe('single writes', () => {
  it.each([
    ['200 text/html', (res: ServerResponse) => html(res)],
    ['202 Accepted', (res: ServerResponse) => (res.writeHead(202), res.end())],
    ['304 Not Modified', (res: ServerResponse) => (res.writeHead(304), res.end())]
  ])('a PATCH answered %s: a ProtocolError', async (_what, answer) => {
    hostile.server.script = (_req, res) => answer(res)
    const error = await failure(probe().client.writes.single(operations[0]!))
    expect(error).toBeInstanceOf(ProtocolError)
    expect(error.message).toMatch(
      new RegExp(`^The service answered PATCH accounts\\(${id(1)}\\) with ${_what.slice(0, 3)}`)
    )
  })

  it('204, and 200/201 with the record as JSON, are writes done', async () => {
    for (const answer of [
      (res: ServerResponse) => (
        res.writeHead(204, { 'odata-entityid': `x/accounts(${id(1)})` }),
        res.end()
      ),
      (res: ServerResponse) => json(res, 201, { accountid: id(1) })
    ]) {
      hostile.server.script = (_req, res) => answer(res)
      await expect(probe().client.writes.single(operations[0]!)).resolves.toMatchObject({
        ok: true
      })
    }
  })
})
