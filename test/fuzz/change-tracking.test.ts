import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  trackChanges,
  type Change,
  type ChangePage
} from '../../src-main/dataverse/change-tracking'
import { ProtocolError } from '../../src-main/dataverse/errors'
import { Transport, type HttpRequest, type HttpResponse } from '../../src-main/dataverse/transport'
import { fuzz, nameOf, runs } from '../support/fuzz-kit'

/**
 * Change-tracking responses (src-main/dataverse/change-tracking.ts, reference §1.3) read by the
 * real trackChanges over a scripted transport: pages of random rows — upserts, deletions in the
 * documented `$deletedEntity` form and the OData 4.01 `@removed` form, and junk — with random
 * links. The outcome is either exactly the changes an independent reading of the same pages
 * gives, or a ProtocolError; never another exception, never a change whose id is not a GUID.
 */

const ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2/'
const PRIMARY = 'accountid'
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const GUID_IN = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/

const guid = fc.uuid().chain((g) => fc.constantFrom(g, g.toUpperCase()))
/** Ids a hostile or broken service could send where a GUID belongs. */
const badId = fc.oneof(
  guid.map((g) => `x${g}`),
  guid.map((g) => `${g}) HTTP/1.1\r\nX-Injected: 1\r\n\r\n`),
  guid.map((g) => `${g}/../../WhoAmI`),
  guid.map((g) => `${g.slice(0, -1)}`),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.constant(null)
)
const data = fc.dictionary(
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter((k) => k !== PRIMARY),
  fc.jsonValue({ maxDepth: 1 }),
  { maxKeys: 3 }
)
const annotations = fc.dictionary(
  fc.constantFrom(
    '@odata.etag',
    'name@OData.Community.Display.V1.FormattedValue',
    '_x_value@Microsoft.Dynamics.CRM.lookuplogicalname',
    '@odata.type',
    '@odata.id'
  ),
  fc.jsonValue({ maxDepth: 1 }),
  { maxKeys: 2 }
)

type Row = Record<string, unknown>
const upsert = fc
  .tuple(guid, data, annotations, fc.constantFrom('W/"1001"', undefined))
  .map(([id, values, notes, etag]): Row => ({
    ...notes,
    ...(etag ? { '@odata.etag': etag } : {}),
    ...values,
    [PRIMARY]: id
  }))
const deletedEntity = guid.map((id): Row => ({
  '@odata.context': `${ROOT}$metadata#accounts/$deletedEntity`,
  id,
  reason: 'deleted'
}))
const removed = fc.oneof(
  guid.map((id): Row => ({ '@removed': { reason: 'deleted' }, '@id': `${ROOT}accounts(${id})` })),
  guid.map((id): Row => ({ '@removed': { reason: 'changed' }, [PRIMARY]: id }))
)
const junk = fc.oneof(
  badId.map((id): Row => ({ [PRIMARY]: id, name: 'junk' })),
  badId.map((id): Row => ({ '@odata.context': `${ROOT}$metadata#accounts/$deletedEntity`, id })),
  badId.map((id): Row => ({ '@removed': {}, '@id': id })),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })
)
const row = fc.oneof(
  { weight: 30, arbitrary: upsert },
  { weight: 8, arbitrary: deletedEntity },
  { weight: 8, arbitrary: removed },
  { weight: 1, arbitrary: junk }
)

/** A page body: usually a collection with the right link, sometimes not. */
const page = fc.record({
  value: fc.oneof(
    { weight: 40, arbitrary: fc.array(row, { maxLength: 6 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
    { weight: 1, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }) }
  ),
  link: fc.oneof(
    { weight: 40, arbitrary: fc.constant('right') },
    { weight: 1, arbitrary: fc.constantFrom('none', 'both', 'number') }
  ),
  contentType: fc.oneof(
    { weight: 40, arbitrary: fc.constant('application/json; odata.metadata=minimal') },
    { weight: 1, arbitrary: fc.constantFrom('text/html', '') }
  ),
  cut: fc.oneof(
    { weight: 15, arbitrary: fc.constant(false) },
    { weight: 1, arbitrary: fc.constant(true) }
  )
})
type PageSpec = typeof page extends fc.Arbitrary<infer P> ? P : never

function bodyOf(spec: PageSpec, last: boolean, n: number): string {
  const links: Record<string, unknown> = {}
  const next = `${ROOT}accounts?$skiptoken=${n}`
  const delta = `${ROOT}accounts?$deltatoken=919042!${n}`
  if (spec.link === 'right')
    links[last ? '@odata.deltaLink' : '@odata.nextLink'] = last ? delta : next
  // Both links: the next link wins and is followed; on the last page there is no next one.
  if (spec.link === 'both')
    Object.assign(
      links,
      last ? { '@odata.deltaLink': delta } : { '@odata.nextLink': next, '@odata.deltaLink': delta }
    )
  if (spec.link === 'number') links[last ? '@odata.deltaLink' : '@odata.nextLink'] = 42
  const text = JSON.stringify({
    '@odata.context': `${ROOT}$metadata#accounts`,
    value: spec.value,
    ...links
  })
  return spec.cut ? text.slice(0, Math.floor(text.length / 2)) : text
}

/** The same pages read independently: the changes expected, or the page where it must fail. */
function expectedOf(specs: PageSpec[]): {
  pages: Change[][]
  deltaLink?: string
  failsAt?: number
} {
  const pages: Change[][] = []
  for (const [i, spec] of specs.entries()) {
    const last = i === specs.length - 1
    if (spec.contentType === '' || !spec.contentType.includes('json') || spec.cut)
      return { pages, failsAt: i }
    if (
      !Array.isArray(spec.value) ||
      (spec.value as unknown[]).some((r) => r === null || typeof r !== 'object' || Array.isArray(r))
    )
      return { pages, failsAt: i }
    if (spec.link === 'number' || spec.link === 'none') return { pages, failsAt: i }
    const changes: Change[] = []
    for (const r of spec.value as Row[]) {
      const change = changeOf(r)
      if (!change) return { pages, failsAt: i }
      changes.push(change)
    }
    pages.push(changes)
    if (last) return { pages, deltaLink: `${ROOT}accounts?$deltatoken=919042!${i}` }
  }
  return { pages }
}

function changeOf(sent: Row): Change | undefined {
  // The row as it travels: JSON has no -0 (it is sent as 0) and drops undefined members.
  const r = JSON.parse(JSON.stringify(sent)) as Row
  const context = r['@odata.context']
  if (typeof context === 'string' && context.endsWith('/$deletedEntity')) {
    const id = r['id']
    return typeof id === 'string' && GUID.test(id)
      ? { kind: 'deleted', id: id.toLowerCase() }
      : undefined
  }
  if (r['@removed'] !== undefined) {
    const ref = typeof r['@id'] === 'string' ? r['@id'] : r[PRIMARY]
    const id = typeof ref === 'string' ? GUID_IN.exec(ref)?.[0] : undefined
    return id ? { kind: 'deleted', id: id.toLowerCase() } : undefined
  }
  const id = r[PRIMARY]
  if (typeof id !== 'string' || !GUID.test(id)) return undefined
  // The row as sent, annotations included: the puller keeps only the mirrored columns.
  const values = r
  const etag = r['@odata.etag']
  return {
    kind: 'upsert',
    id: id.toLowerCase(),
    values,
    ...(typeof etag === 'string' ? { etag } : {})
  }
}

/**
 * A transport that answers each request with the next scripted page (the real one's resolve(),
 * which keeps links inside the environment).
 */
function scripted(specs: PageSpec[]): { transport: Transport; urls: string[] } {
  const urls: string[] = []
  const real = new Transport({ environmentUrl: ROOT, tokens: { getToken: async () => 'x' } })
  const transport = {
    origin: real.origin,
    resolve: (url: string) => real.resolve(url),
    async send(request: HttpRequest): Promise<HttpResponse> {
      const i = urls.length
      urls.push(request.url)
      const spec = specs[i]
      if (!spec) throw new Error(`request ${i + 1} after the last page: ${request.url}`)
      return {
        status: 200,
        headers: new Headers({
          'content-type': spec.contentType,
          'preference-applied': 'odata.track-changes,odata.maxpagesize=5000'
        }),
        text: bodyOf(spec, i === specs.length - 1, i)
      }
    }
  } as unknown as Transport
  return { transport, urls }
}

describe('change-tracking responses', () => {
  it('exactly the changes an independent reading gives, or a ProtocolError', async () => {
    await fuzz(
      'change tracking (delta)',
      'changes as read independently, or ProtocolError',
      fc.tuple(fc.array(page, { minLength: 1, maxLength: 4 }), fc.boolean()),
      async ([specs, initial]) => {
        const { transport } = scripted(specs)
        const got: ChangePage[] = []
        let error: unknown
        try {
          for await (const p of trackChanges(transport, {
            entitySet: 'accounts',
            primaryId: PRIMARY,
            select: ['name'],
            ...(initial ? {} : { deltaLink: `${ROOT}accounts?$deltatoken=1` })
          }))
            got.push(p)
        } catch (err) {
          error = err
        }
        if (error !== undefined && !(error instanceof ProtocolError))
          throw new Error(`trackChanges threw ${nameOf(error)}: ${String(error)}`, { cause: error })
        const expected = expectedOf(specs)
        for (const c of got.flatMap((p) => p.changes)) expect(c.id).toMatch(GUID)
        expect(got.map((p) => p.changes)).toEqual(expected.pages)
        if (expected.failsAt !== undefined) {
          expect(error, 'a ProtocolError').toBeInstanceOf(ProtocolError)
          return 'ProtocolError'
        }
        expect(error).toBeUndefined()
        expect(got.at(-1)?.deltaLink).toBe(expected.deltaLink)
        expect(got.slice(0, -1).every((p) => p.deltaLink === undefined)).toBe(true)
        return got.some((p) => p.changes.some((c) => c.kind === 'deleted'))
          ? 'changes with deletions'
          : 'changes'
      },
      { numRuns: runs(4000) }
    )
  })
})
