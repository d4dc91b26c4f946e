import { describe, expect, it } from 'vitest'
import { project, withDemoTables } from '../../support/doc-tables'
import {
  entityIdOf,
  expectError,
  SMALL_SEED,
  useSandbox,
  type Harness,
  type Json
} from '../../support/sandbox-harness'

/** Change tracking over the Web API, exactly as reference §1 describes it. */

const TRACK = { Prefer: 'odata.track-changes' }
const SELECT = '$select=name,accountnumber,telephone1,fax'

/** `<version>!<MM/dd/yyyy HH:mm:ss>` (§1.2), URL-encoded in the link. */
const TOKEN_SHAPE = /^\d+!\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/

function tokenOf(link: string): string {
  const raw = /[?&]\$deltatoken=([^&]*)/.exec(link)?.[1] ?? ''
  return decodeURIComponent(raw)
}

/** Follows next links from a first response; returns every row and the last page. */
async function allPages(
  h: Harness,
  first: Json,
  prefer: string
): Promise<{ rows: Json[]; last: Json; pages: Json[] }> {
  const pages = [first]
  while (pages.at(-1)['@odata.nextLink']) {
    const res = await h.api('GET', pages.at(-1)['@odata.nextLink'], { headers: { Prefer: prefer } })
    expect(res.status, res.text).toBe(200)
    pages.push(res.json)
  }
  return { rows: pages.flatMap((p) => p.value), last: pages.at(-1), pages }
}

describe('§1.2 the initial request', () => {
  const h = useSandbox(SMALL_SEED)

  it('answers Preference-Applied, every row, and a deltaLink carrying the same $select', async () => {
    const res = await h.api('GET', `accounts?${SELECT}`, { headers: TRACK })
    expect(res.status).toBe(200)
    expect(res.headers.get('preference-applied')).toBe('odata.track-changes')
    expect(res.headers.get('odata-version')).toBe('4.0')
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#accounts(name,accountnumber,telephone1,fax)`
    )
    const link: string = res.json['@odata.deltaLink']
    expect(link.startsWith(`${h.sandbox.apiBase}accounts?${SELECT}&$deltatoken=`)).toBe(true)
    expect(tokenOf(link)).toMatch(TOKEN_SHAPE)
    expect(res.json['@odata.nextLink']).toBeUndefined()
    expect(res.json.value).toHaveLength(SMALL_SEED.accounts!)
    for (const row of res.json.value) {
      expect(Object.keys(row)).toEqual([
        '@odata.etag',
        'name',
        'accountnumber',
        'telephone1',
        'fax',
        'accountid'
      ])
    }
  })

  it('pages with odata.maxpagesize: nextLink on every page but the last, deltaLink only on the last', async () => {
    const prefer = 'odata.track-changes,odata.maxpagesize=5'
    const first = await h.api('GET', 'accounts?$select=name', { headers: { Prefer: prefer } })
    expect(first.headers.get('preference-applied')).toBe(prefer)
    const { rows, pages } = await allPages(h, first.json, prefer)
    expect(pages.length).toBe(Math.ceil(SMALL_SEED.accounts! / 5))
    pages.forEach((page, i) => {
      const last = i === pages.length - 1
      expect(page['@odata.deltaLink'] !== undefined, `page ${i}`).toBe(last)
      expect(page['@odata.nextLink'] !== undefined, `page ${i}`).toBe(!last)
    })
    expect(new Set(rows.map((r) => r.accountid)).size).toBe(SMALL_SEED.accounts)
    const skip = new URL(pages[0]['@odata.nextLink']).searchParams.get('$skiptoken')
    expect(skip).toMatch(/istracking="True"/)
  })

  it.each(['$filter=name ne null', '$orderby=name', '$expand=primarycontactid', '$top=2'])(
    'refuses %s with the documented message (§1.6)',
    async (option) => {
      const name = option.slice(0, option.indexOf('='))
      const res = await h.api('GET', `accounts?$select=name&${option}`, { headers: TRACK })
      expectError(
        res,
        400,
        '0x80060888',
        `The "${name}" query parameter isn't supported when Change Tracking is enabled.`
      )
    }
  )

  it('allows $count (§1.6)', async () => {
    const res = await h.api('GET', 'accounts?$select=name&$count=true', { headers: TRACK })
    expect(res.status).toBe(200)
    expect(res.json['@odata.count']).toBe(SMALL_SEED.accounts)
  })
})

describe('§1.3 delta requests', () => {
  const h = useSandbox({ seed: 'empty' })
  const create = async (name: string): Promise<string> =>
    entityIdOf(await h.api('POST', 'accounts', { body: { name, accountnumber: name } }))
  const initial = async (): Promise<string> =>
    (await h.api('GET', 'accounts?$select=name,accountnumber', { headers: TRACK })).json[
      '@odata.deltaLink'
    ]

  let a1 = ''
  let a2 = ''

  it('the initial sync returns the rows as they are, and no deletions', async () => {
    a1 = await create('A1')
    a2 = await create('A2')
    await h.api('DELETE', `accounts(${await create('gone before')})`)
    const res = await h.api('GET', 'accounts?$select=name', { headers: TRACK })
    expect(res.json.value.map((r: Json) => r.name).sort()).toEqual(['A1', 'A2'])
  })

  it('with no changes: an empty value and a fresh deltaLink', async () => {
    const link = await initial()
    const res = await h.api('GET', link)
    expect(res.status).toBe(200)
    expect(res.json.value).toEqual([])
    expect(res.json['@odata.context']).toBe(
      `${h.sandbox.apiBase}$metadata#accounts(name,accountnumber)/$delta`
    )
    expect(tokenOf(res.json['@odata.deltaLink'])).toMatch(TOKEN_SHAPE)
  })

  it('new and updated rows first, in change order, then $deletedEntity rows', async () => {
    const link = await initial()
    await h.api('PATCH', `accounts(${a1})`, { body: { name: 'A1 updated' } })
    const a3 = await create('A3')
    await h.api('DELETE', `accounts(${a2})`)
    const res = await h.api('GET', link)
    expect(res.headers.get('preference-applied')).toBeNull()
    expect(res.json.value).toEqual([
      {
        '@odata.etag': expect.stringMatching(/^W\/"\d+"$/),
        name: 'A1 updated',
        accountnumber: 'A1',
        accountid: a1
      },
      {
        '@odata.etag': expect.stringMatching(/^W\/"\d+"$/),
        name: 'A3',
        accountnumber: 'A3',
        accountid: a3
      },
      {
        '@odata.context': `${h.sandbox.apiBase}$metadata#accounts/$deletedEntity`,
        id: a2,
        reason: 'deleted'
      }
    ])
    expect(res.json['@odata.deltaLink']).toMatch(/\?\$select=name,accountnumber&\$deltatoken=/)
    expect(res.json['@odata.deltaLink']).not.toBe(link)
  })

  it('reports a record created and deleted between two syncs as deleted', async () => {
    const link = await initial()
    const id = await create('ephemeral')
    await h.api('DELETE', `accounts(${id})`)
    const res = await h.api('GET', link)
    expect(res.json.value).toEqual([expect.objectContaining({ id, reason: 'deleted' })])
  })

  it('reports a record updated then deleted only as deleted', async () => {
    const id = await create('short-lived')
    const link = await initial()
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'changed' } })
    await h.api('DELETE', `accounts(${id})`)
    const res = await h.api('GET', link)
    expect(res.json.value).toEqual([expect.objectContaining({ id, reason: 'deleted' })])
  })

  it('reports a record deleted then recreated with the same id as a row, not a deletion', async () => {
    const id = await create('phoenix')
    const link = await initial()
    await h.api('DELETE', `accounts(${id})`)
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'phoenix again' } })
    const res = await h.api('GET', link)
    expect(res.json.value).toEqual([
      expect.objectContaining({ accountid: id, name: 'phoenix again' })
    ])
  })

  it('a delta token stays usable: an older token sees every change since it', async () => {
    const old = await initial()
    await create('first later')
    const middle = (await h.api('GET', old)).json['@odata.deltaLink']
    await create('second later')
    expect((await h.api('GET', old)).json.value).toHaveLength(2)
    expect((await h.api('GET', middle)).json.value).toHaveLength(1)
  })

  it('pages a delta: rows, then deletions, deltaLink on the last page only', async () => {
    const link = await initial()
    const ids = []
    for (let i = 0; i < 7; i++) ids.push(await create(`bulk ${i}`))
    for (const id of ids.slice(0, 3)) await h.api('DELETE', `accounts(${id})`)
    const prefer = 'odata.maxpagesize=2'
    const first = await h.api('GET', link, { headers: { Prefer: prefer } })
    const { rows, pages, last } = await allPages(h, first.json, prefer)
    expect(pages.length).toBe(4)
    expect(rows.map((r) => r.accountid ?? `deleted ${r.id}`)).toEqual([
      ...ids.slice(3),
      ...ids.slice(0, 3).map((id) => `deleted ${id}`)
    ])
    expect(last['@odata.deltaLink']).toBeDefined()
    for (const page of pages.slice(0, -1)) expect(page['@odata.deltaLink']).toBeUndefined()
    for (const page of pages) expect(page['@odata.context']).toMatch(/\/\$delta$/)
  })

  it('/$count?$deltatoken= counts the changes (§1.4)', async () => {
    const link = await initial()
    const id = await create('counted')
    await h.api('PATCH', `accounts(${id})`, { body: { name: 'counted twice' } })
    await h.api('DELETE', `accounts(${a1})`)
    const token = /\$deltatoken=([^&]*)/.exec(link)![1]
    const res = await h.api('GET', `accounts/$count?$deltatoken=${token}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(res.text).toBe('2')
  })

  it('refuses $filter on a delta request too (§1.6)', async () => {
    const link = await initial()
    expectError(
      await h.api('GET', `${link}&$filter=name eq 'x'`),
      400,
      '0x80060888',
      `The "$filter" query parameter isn't supported when Change Tracking is enabled.`
    )
  })
})

describe('§1.7 token expiry after the retention period', () => {
  const h = useSandbox({ seed: 'empty' })
  const EXPIRED =
    'Version stamp associated with the client has expired. Please perform a full sync.'
  const DAY = 86_400_000
  const link = async (): Promise<string> =>
    (await h.api('GET', 'accounts?$select=name', { headers: TRACK })).json['@odata.deltaLink']

  it('a token within the 7-day default still works; past it: 0x80044352', async () => {
    const token = await link()
    h.sandbox.controls.advanceClock(6 * DAY)
    expect((await h.api('GET', token)).status).toBe(200)
    h.sandbox.controls.advanceClock(2 * DAY)
    expectError(await h.api('GET', token), 400, '0x80044352', EXPIRED)
    const count = `accounts/$count?$deltatoken=${/\$deltatoken=([^&]*)/.exec(token)![1]}`
    expectError(await h.api('GET', count), 400, '0x80044352', EXPIRED)
    // The documented reaction — a full sync — works and gives a fresh token.
    expect((await h.api('GET', await link())).status).toBe(200)
  })

  it('follows organization.expirechangetrackingindays', async () => {
    const org = `organizations(${(await h.api('GET', 'WhoAmI')).json.OrganizationId})`
    await h.api('PATCH', org, { body: { expirechangetrackingindays: 1 } })
    const token = await link()
    h.sandbox.controls.advanceClock(2 * DAY)
    expectError(await h.api('GET', token), 400, '0x80044352', EXPIRED)
  })
})

describe('invalid tokens and untracked tables (§10 items 3 and 6: chosen behaviour)', () => {
  const h = useSandbox({ schema: withDemoTables(project) })

  it.each([
    ['garbled', 'garbage'],
    ['impossible-date', encodeURIComponent('1000!13/45/2020 99:00:00')],
    ['future-version', encodeURIComponent('999999999!01/01/2030 00:00:00')]
  ])('a %s $deltatoken is a 400 that says to start over', async (_, token) => {
    const res = await h.api('GET', `accounts?$select=name&$deltatoken=${token}`)
    expectError(res, 400, '0x80044353', /Start a full sync/)
  })

  it('a $skiptoken that is not a tracking cookie is refused', async () => {
    const res = await h.api('GET', 'accounts?$select=name&$skiptoken=x', { headers: TRACK })
    expectError(res, 400, '0x80040203')
  })

  it('a table without change tracking refuses odata.track-changes and $deltatoken', async () => {
    const message = /Change tracking is not enabled for table 'new_project'/
    expectError(
      await h.api('GET', 'new_projects?$select=new_name', { headers: TRACK }),
      400,
      '0x80044350',
      message
    )
    expectError(
      await h.api('GET', `new_projects?$deltatoken=${encodeURIComponent('1!01/01/2030 00:00:00')}`),
      400,
      '0x80044350',
      message
    )
  })
})
