import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { project, withDemoTables } from '../../support/doc-tables'
import { entityIdOf, expectError, startHarness, type Harness } from '../../support/sandbox-harness'

/**
 * `startSandbox({ store: file })` (`dvsync sandbox --store FILE`): a sandbox closed and started
 * again on the same file comes back with its rows, keys, tracking flags, settings and clock, and
 * the delta tokens it gave out stay valid.
 */
const dir = mkdtempSync(join(tmpdir(), 'dvsync-sandbox-store-'))
const store = join(dir, 'sandbox.sqlite')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a sandbox on a store file survives a restart', () => {
  let first: Harness | undefined
  let second: Harness | undefined
  const saved: Record<string, string> = {}

  afterAll(async () => {
    await first?.close()
    await second?.close()
  })

  it('first run: rows, a new key, tracking enabled, a delta token, settings, clock', async () => {
    first = await startHarness({
      store,
      schema: withDemoTables(project),
      keyActivationDelayMs: 1000
    })
    const h = first
    saved.account = entityIdOf(
      await h.api('POST', 'accounts', { body: { name: 'Kept', accountnumber: 'KEEP-1' } })
    )
    await h.api('POST', 'accounts', { body: { name: 'Will be deleted', accountnumber: 'DEL-1' } })
    await h.api('POST', 'new_projects', { body: { new_name: 'Project', new_code1: 'PRJ-1' } })
    expect(
      (
        await h.api('POST', "EntityDefinitions(LogicalName='new_project')/Keys", {
          body: { SchemaName: 'new_code1_key', KeyAttributes: ['new_code1'] }
        })
      ).status
    ).toBe(204)
    h.sandbox.controls.advanceClock(1000)
    const definition = (await h.api('GET', "EntityDefinitions(LogicalName='new_project')")).json
    await h.api('PUT', `EntityDefinitions(${definition.MetadataId})`, {
      body: { ...definition, ChangeTrackingEnabled: true }
    })
    const org = `organizations(${(await h.api('GET', 'WhoAmI')).json.OrganizationId})`
    await h.api('PATCH', org, { body: { expirechangetrackingindays: 30 } })
    saved.delta = (
      await h.api('GET', 'accounts?$select=name', { headers: { Prefer: 'odata.track-changes' } })
    ).json['@odata.deltaLink']
    saved.etag = (await h.api('GET', `accounts(${saved.account})`)).headers.get('etag')!
    saved.token = h.token
    saved.clock = String(h.sandbox.controls.status().clockOffsetMs)
    // A change after the token, so the delta after the restart has something to report.
    await h.api('DELETE', "accounts(accountnumber='DEL-1')")
    await h.api('PATCH', `accounts(${saved.account})`, { body: { name: 'Kept, renamed' } })
    await h.close()
    first = undefined
  })

  it('second run: everything is back', async () => {
    second = await startHarness({ store, keyActivationDelayMs: 1000 })
    const h = second
    const rebase = (link: string): string =>
      link.replace(/^http:\/\/127\.0\.0\.1:\d+/, h.sandbox.url)

    // Rows, with versions continuing where they were.
    const row = await h.api('GET', `accounts(${saved.account})?$select=name`)
    expect(row.json.name).toBe('Kept, renamed')
    expect(Number(/\d+/.exec(row.headers.get('etag')!)![0])).toBeGreaterThan(
      Number(/\d+/.exec(saved.etag!)![0])
    )
    expect((await h.api('GET', 'accounts/$count')).text).toBe('1')

    // The key created over the API is Active and enforced; the built-in key too.
    const byKey = await h.api('GET', "new_projects(new_code1='PRJ-1')?$select=new_name")
    expect(byKey.json.new_name).toBe('Project')
    expectError(
      await h.api('POST', 'new_projects', { body: { new_name: 'Copy', new_code1: 'PRJ-1' } }),
      412,
      '0x80060892'
    )
    expect((await h.api('GET', "accounts(accountnumber='KEEP-1')")).status).toBe(200)

    // Tracking flag, organisation setting and sandbox clock.
    const meta = await h.api(
      'GET',
      "EntityDefinitions(LogicalName='new_project')?$select=ChangeTrackingEnabled"
    )
    expect(meta.json.ChangeTrackingEnabled).toBe(true)
    const org = await h.api('GET', 'organizations?$select=expirechangetrackingindays')
    expect(org.json.value[0].expirechangetrackingindays).toBe(30)
    expect(h.sandbox.controls.status().clockOffsetMs).toBeGreaterThanOrEqual(Number(saved.clock))

    // The delta token from before the restart reports what changed since, deletion included.
    const delta = await h.api('GET', rebase(saved.delta!))
    expect(delta.status, delta.text).toBe(200)
    expect(delta.json.value).toEqual([
      expect.objectContaining({ accountid: saved.account, name: 'Kept, renamed' }),
      expect.objectContaining({ reason: 'deleted' })
    ])

    // Access tokens are signed per instance: a restart needs a new sign-in.
    const old = await h.api('GET', 'WhoAmI', { token: saved.token! })
    expectError(old, 401, '0x80072560', /^InvalidAuthTicket: /)
  })
})
