import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readBatch } from '../../src-main/dataverse/batch-format'
import { ProtocolError } from '../../src-main/dataverse/errors'
import { fuzz, nameOf, runs } from '../support/fuzz-kit'
import { mutate, mutation } from '../support/fuzz-sources'

/**
 * The client's $batch response reader (src-main/dataverse/batch-format.ts, reference §5.1) on
 * responses written the way Dataverse writes them — parts, change-set responses nested, CRLF or
 * LF — and on those responses damaged at random: a well-formed response reads back exactly
 * (status, headers, body of every part, in order); anything else is a ProtocolError, never
 * another exception, and never slow (each input is timed).
 */

interface Part {
  status: number
  headers: [string, string][]
  body: string
}
type Group = { changeSet: false; part: Part } | { changeSet: true; parts: Part[] }

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/)
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/)
const part: fc.Arbitrary<Part> = fc.record({
  status: fc.integer({ min: 100, max: 599 }),
  headers: fc.uniqueArray(fc.tuple(token, headerValue), {
    maxLength: 4,
    selector: ([name]) => name.toLowerCase()
  }),
  body: fc.oneof(
    fc.constant(''),
    fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
    fc.record({ code: fc.string(), message: fc.string() }).map((error) => JSON.stringify({ error }))
  )
})
const groups: fc.Arbitrary<Group[]> = fc.array(
  fc.oneof(
    part.map((p): Group => ({ changeSet: false, part: p })),
    fc
      .array(part, { minLength: 1, maxLength: 3 })
      .map((ps): Group => ({ changeSet: true, parts: ps }))
  ),
  { maxLength: 6 }
)

/** A $batch response as Dataverse writes it (reference §5.1 examples). */
function write(list: Group[], eol: string, boundary: string): string {
  const http = (p: Part, contentId?: number): string =>
    [
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      ...(contentId !== undefined ? [`Content-ID: ${contentId}`] : []),
      '',
      `HTTP/1.1 ${p.status} Reason Phrase`,
      ...p.headers.map(([n, v]) => `${n}: ${v}`),
      '',
      p.body,
      ''
    ].join(eol)
  const out: string[] = []
  list.forEach((g, i) => {
    out.push(`--${boundary}`)
    if (!g.changeSet) out.push(http(g.part))
    else {
      const cs = `changesetresponse_${i}${boundary.slice(-6)}`
      out.push(`Content-Type: multipart/mixed; boundary=${cs}`, '')
      g.parts.forEach((p, j) => out.push(`--${cs}`, http(p, j + 1)))
      out.push(`--${cs}--`)
    }
  })
  out.push(`--${boundary}--`, '')
  return out.join(eol)
}

const flatten = (list: Group[]): Part[] => list.flatMap((g) => (g.changeSet ? g.parts : [g.part]))

/** readBatch, timed: a ProtocolError is an outcome, anything else thrown fails the property. */
function read(
  contentType: string | null,
  text: string
): ReturnType<typeof readBatch> | ProtocolError {
  const started = performance.now()
  try {
    return readBatch(contentType, text)
  } catch (err) {
    if (err instanceof ProtocolError) return err
    throw new Error(`readBatch threw ${nameOf(err)}: ${(err as Error).message}`, { cause: err })
  } finally {
    expect(performance.now() - started, `${text.length} characters`).toBeLessThan(1000)
  }
}

describe('$batch responses', () => {
  const response = fc.tuple(
    groups,
    fc.constantFrom('\r\n', '\n'),
    fc.uuid().map((u) => `batchresponse_${u}`),
    fc.constantFrom(
      (b: string) => `multipart/mixed; boundary=${b}`,
      (b: string) => `multipart/mixed; boundary="${b}"; charset=utf-8`,
      (b: string) => `Multipart/Mixed;boundary=${b}`
    )
  )

  it('a well-formed response reads back exactly, part by part', async () => {
    await fuzz(
      '$batch response',
      'well-formed: every part read back',
      response,
      ([list, eol, boundary, type]) => {
        const result = read(type(boundary), write(list, eol, boundary))
        if (result instanceof ProtocolError) throw result
        const parts = flatten(list)
        expect(result.map((r) => r.status)).toEqual(parts.map((p) => p.status))
        expect(result.map((r) => r.body)).toEqual(parts.map((p) => p.body.trim()))
        for (const [i, p] of parts.entries())
          for (const [name, value] of p.headers)
            expect(result[i]!.headers[name.toLowerCase()]).toBe(value)
        return 'read back'
      },
      { numRuns: runs(1500) }
    )
  })

  it('a damaged response is a ProtocolError or parts, never a crash or a slow read', async () => {
    const damage = fc.oneof(
      fc.array(mutation, { minLength: 1, maxLength: 6 }).map((m) => ({ bytes: m })),
      fc.constantFrom(
        { edit: 'no closing boundary' },
        { edit: 'closing boundary first' },
        { edit: 'no status line' },
        { edit: 'status line garbage' },
        { edit: 'nested boundary = outer' },
        { edit: 'empty boundary parameter' },
        { edit: 'html instead' }
      )
    )
    await fuzz(
      '$batch response',
      'damaged: ProtocolError or parts',
      fc.tuple(response, damage),
      ([[list, eol, boundary, type], d]) => {
        let text = write(list, eol, boundary)
        let contentType: string | null = type(boundary)
        if ('bytes' in d) text = mutate(Buffer.from(text), d.bytes).toString('latin1')
        else if (d.edit === 'no closing boundary') text = text.replace(`--${boundary}--`, '')
        else if (d.edit === 'closing boundary first') text = `--${boundary}--${eol}${text}`
        else if (d.edit === 'no status line')
          text = text.replace(/HTTP\/1\.1 \d+ Reason Phrase/, '')
        else if (d.edit === 'status line garbage')
          text = text.replace(/HTTP\/1\.1 \d+/, 'HTTP/9 abc')
        else if (d.edit === 'nested boundary = outer')
          text = text.replace(/boundary=changesetresponse_\w+/g, `boundary=${boundary}`)
        else if (d.edit === 'empty boundary parameter') contentType = 'multipart/mixed; boundary='
        else if (d.edit === 'html instead') {
          contentType = 'text/html'
          text = '<html><body>Gateway Timeout</body></html>'
        }
        const result = read(contentType, text)
        return result instanceof ProtocolError ? 'ProtocolError' : 'parts'
      },
      { numRuns: runs(2500) }
    )
  })

  it('random text under random content types: ProtocolError or parts', async () => {
    const contentType = fc.oneof(
      fc.constant(null),
      fc.string({ maxLength: 40 }),
      fc.string({ maxLength: 12 }).map((b) => `multipart/mixed; boundary=${b}`)
    )
    const text = fc.oneof(
      fc.string({ maxLength: 400 }),
      fc
        .array(
          fc.constantFrom(
            '--b',
            '--b--',
            '\r\n',
            '\n',
            'HTTP/1.1 200 OK',
            'Content-Type: multipart/mixed; boundary=b',
            ': x',
            'a:b'
          ),
          { maxLength: 30 }
        )
        .map((p) => p.join(''))
    )
    await fuzz(
      '$batch response',
      'random: ProtocolError or parts',
      fc.tuple(contentType, text),
      ([type, body]) => (read(type, body) instanceof ProtocolError ? 'ProtocolError' : 'parts'),
      { numRuns: runs(2500) }
    )
  })

  it('change sets nested thousands deep: ProtocolError or parts, not a stack overflow', async () => {
    await fuzz(
      '$batch response',
      'deep nesting: ProtocolError or parts',
      fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.boolean()),
      ([depth, closed]) => {
        let body = `Content-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n`
        for (let i = depth; i > 0; i--)
          body = `Content-Type: multipart/mixed; boundary=b${i}x\r\n\r\n--b${i}x\r\n${body}${closed ? `\r\n--b${i}x--` : ''}\r\n`
        const text = `--b0\r\n${body}--b0--\r\n`
        const result = read('multipart/mixed; boundary=b0', text)
        return result instanceof ProtocolError ? 'ProtocolError' : 'parts'
      },
      { numRuns: runs(20) }
    )
  })
})
