import { afterAll, describe, expect, it } from 'vitest'
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../../src-shared/channels'
import { contract, events } from '../../../src-shared/contract'
import { createHandlers, dispatch, ServiceError } from '../../../src-main/ipc/handlers'
import { AppError } from '../../../src-main/app/errors'
import { offlineAppServices } from '../../support/offline-app-services'

const fixture = offlineAppServices()
const handlers = createHandlers(fixture.app)
afterAll(() => fixture.dispose())

describe('the IPC contract', () => {
  it('has a schema and a handler for every channel, and nothing else', () => {
    expect(Object.keys(contract).sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(Object.keys(handlers).sort()).toEqual([...INVOKE_CHANNELS].sort())
    expect(Object.keys(events).sort()).toEqual([...EVENT_CHANNELS].sort())
    for (const channel of INVOKE_CHANNELS) expect(typeof handlers[channel]).toBe('function')
  })

  it('names every channel and event <domain>:<verb>', () => {
    for (const name of [...INVOKE_CHANNELS, ...EVENT_CHANNELS])
      expect(name).toMatch(/^[a-z]+:[a-z][A-Za-z]*$/)
  })
})

describe('dispatch', () => {
  it('wraps a value in the Result envelope', async () => {
    await expect(dispatch(handlers, 'app:info', {})).resolves.toEqual({
      ok: true,
      value: {
        name: 'Dataverse Sync Studio',
        version: '0.1.0',
        platform: 'linux',
        dataDir: fixture.dataDir
      }
    })
  })

  it('refuses input that does not match the contract, naming the channel and the field', async () => {
    const extra = await dispatch(handlers, 'app:info', { unexpected: 1 })
    expect(extra).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const bad = await dispatch(handlers, 'tables:list', { environmentId: -3 })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.message).toContain('tables:list')
      expect(bad.error.field).toBe('environmentId')
    }
  })

  it('refuses an unknown channel, including inherited property names', async () => {
    for (const channel of ['nope:nothing', 'toString', '__proto__'])
      await expect(dispatch(handlers, channel as never, {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' }
      })
  })

  it('turns a service refusal into its code, message and field', async () => {
    const reply = await dispatch(handlers, 'environments:add', {
      authKind: 'interactive',
      name: 'contoso',
      url: 'http://contoso.example'
    })
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        field: 'url',
        message:
          "The environment URL must use https (http only for a local sandbox), got 'http://contoso.example'."
      }
    })
  })

  it('answers NOT_FOUND for an environment that does not exist', async () => {
    const reply = await dispatch(handlers, 'environments:test', { id: 999 })
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('keeps the message of an unexpected error but never its stack', async () => {
    const failing = {
      ...handlers,
      'runs:list': () => {
        throw new Error('disk on fire')
      }
    }
    const reply = await dispatch(failing, 'runs:list', {})
    expect(reply).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'disk on fire' } })
    const coded = {
      ...handlers,
      'runs:list': () => {
        throw new ServiceError('CONFLICT', 'busy')
      },
      'pulls:active': () => {
        throw new AppError('PRECONDITION', 'first this', 'table')
      }
    }
    await expect(dispatch(coded, 'runs:list', {})).resolves.toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'busy' }
    })
    await expect(dispatch(coded, 'pulls:active', {})).resolves.toEqual({
      ok: false,
      error: { code: 'PRECONDITION', message: 'first this', field: 'table' }
    })
  })
})
