import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunProgress } from '../../../src-shared/schemas/pulls'
import { appFixture, type AppFixture } from './app-fixture'

/**
 * A Failed alternate key through the app's IPC channels, the built-in sandbox as Dataverse over
 * HTTP: the duplicates that made it fail are listed from the mirror, it is reactivated once they
 * are gone, and deleted. The Tables screen calls exactly these channels.
 */
let f: AppFixture
let environmentId: number
const table = 'dvs_warehouse'
type Warehouse = { dvs_warehouseid: string; dvs_code: string }
let warehouses: Warehouse[]

beforeAll(async () => {
  f = await appFixture()
  environmentId = (await f.call('environments:addSandbox', {})).id
  await f.call('environments:signIn', { id: environmentId })
  await f.call('tables:enableTracking', { environmentId, table })
  const got = await api('GET', 'dvs_warehouses?$select=dvs_warehouseid,dvs_code&$orderby=dvs_code')
  warehouses = ((await got.json()) as { value: Warehouse[] }).value
  // Three warehouses coded alike, one of them in lower case: the key compares without case.
  const code = warehouses[0]!.dvs_code
  await api('PATCH', `dvs_warehouses(${warehouses[1]!.dvs_warehouseid})`, { dvs_code: code })
  await api('PATCH', `dvs_warehouses(${warehouses[2]!.dvs_warehouseid})`, {
    dvs_code: code.toLowerCase()
  })
})
afterAll(() => f?.close())

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const sandbox = f.app.sandbox.running()!
  const response = await fetch(`${sandbox.apiBase}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await sandbox.appToken()}`,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    },
    ...(body ? { body: JSON.stringify(body) } : {})
  })
  expect(response.ok, await response.clone().text()).toBe(true)
  return response
}

const statusOfKey = async (): Promise<string | undefined> =>
  (await f.call('keys:list', { environmentId, table })).find((k) => k.schemaName === 'dvs_CodeKey')
    ?.status

async function pull(): Promise<void> {
  const { runId } = await f.call('pulls:start', { environmentId, table })
  await expect
    .poll(
      () =>
        f.events
          .filter((e) => e.event === 'run:progress')
          .map((e) => e.payload as RunProgress)
          .filter((p) => p.runId === runId)
          .at(-1)?.state,
      { timeout: 10_000 }
    )
    .toBe('completed')
}

const keyRef = () => ({ environmentId, table, key: 'dvs_CodeKey' })

describe('a key whose index failed over duplicated data', () => {
  it('fails, and its duplicates need a pulled table first', async () => {
    await f.call('keys:create', {
      environmentId,
      table,
      schemaName: 'dvs_CodeKey',
      columns: ['dvs_code']
    })
    await expect.poll(statusOfKey, { timeout: 10_000, interval: 100 }).toBe('Failed')
    const refused = await f.fail('keys:duplicates', keyRef())
    expect(refused.code).toBe('PRECONDITION')
    // The app's words, not the CLI's command.
    expect(refused.message).toMatch(/'dvs_warehouse' is not mirrored.*Pull it first/)
    expect(refused.message).not.toMatch(/dvsync/)
  })

  it('lists the duplicated values from the mirror, with their records and when it was pulled', async () => {
    await pull()
    const found = await f.call('keys:duplicates', keyRef())
    expect(found.key).toMatchObject({ schemaName: 'dvs_CodeKey', status: 'Failed' })
    expect(found.mirroredAt).not.toBeNull()
    expect(found.more).toBe(false)
    expect(found.duplicates).toHaveLength(1)
    const [group] = found.duplicates
    expect(group!.records).toBe(3)
    expect(group!.values[0]!.toString().toUpperCase()).toBe(warehouses[0]!.dvs_code.toUpperCase())
    expect([...group!.ids].sort()).toEqual(
      warehouses
        .slice(0, 3)
        .map((w) => w.dvs_warehouseid)
        .sort()
    )
    // A limit lists fewer and says there are more.
    await api('PATCH', `dvs_warehouses(${warehouses[4]!.dvs_warehouseid})`, {
      dvs_code: warehouses[3]!.dvs_code
    })
    await pull()
    const first = await f.call('keys:duplicates', { ...keyRef(), limit: 1 })
    expect(first.duplicates.map((d) => d.records)).toEqual([3])
    expect(first.more).toBe(true)
  })

  it('fails again when reactivated while the duplicates remain', async () => {
    const queued = await f.call('keys:reactivate', keyRef())
    expect(['Pending', 'InProgress']).toContain(queued.status)
    expect(f.events.at(-1)).toMatchObject({
      event: 'data:changed',
      payload: { entities: ['tables', 'keys'], environmentId }
    })
    await expect.poll(statusOfKey, { timeout: 10_000, interval: 100 }).toBe('Failed')
  })

  it('becomes Active when reactivated once the duplicates are fixed', async () => {
    for (const [i, w] of warehouses.slice(1, 3).entries())
      await api('PATCH', `dvs_warehouses(${w.dvs_warehouseid})`, { dvs_code: `WH-FIX-${i}` })
    await api('PATCH', `dvs_warehouses(${warehouses[4]!.dvs_warehouseid})`, {
      dvs_code: 'WH-FIX-9'
    })
    await pull()
    await expect(f.call('keys:duplicates', keyRef())).resolves.toMatchObject({
      duplicates: [],
      more: false
    })
    await f.call('keys:reactivate', keyRef())
    await expect.poll(statusOfKey, { timeout: 10_000, interval: 100 }).toBe('Active')
    const again = await f.fail('keys:reactivate', keyRef())
    expect(again).toMatchObject({ code: 'PRECONDITION', field: 'key' })
    expect(again.message).toMatch(/dvs_CodeKey is Active; only a key whose index failed/)
  })

  it('is deleted, and a second delete names the keys the table has', async () => {
    await expect(f.call('keys:delete', keyRef())).resolves.toEqual({ deleted: 'dvs_CodeKey' })
    await expect(f.call('keys:list', { environmentId, table })).resolves.toEqual([])
    expect(f.events.at(-1)).toMatchObject({
      event: 'data:changed',
      payload: { entities: ['tables', 'keys'], environmentId }
    })
    const gone = await f.fail('keys:delete', keyRef())
    expect(gone).toMatchObject({ code: 'NOT_FOUND', field: 'key' })
    expect(gone.message).toMatch(/has no alternate key 'dvs_CodeKey'\. Its keys: none\./)
  })

  it('refuses a key name that is not one, naming the field', async () => {
    await expect(
      f.fail('keys:delete', { ...keyRef(), key: "x') or ('1'='1" })
    ).resolves.toMatchObject({ code: 'INVALID_INPUT', field: 'key' })
  })
})
