import { describe, expect, it, vi } from 'vitest'
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../../src-shared/channels'
import { contract, events, type Bridge } from '../../../src-shared/contract'
import { createFakeElectron } from './fake-electron'

const fake = vi.hoisted(() => ({ electron: undefined as unknown }))
vi.mock('electron', () => fake.electron as object)
const electron = createFakeElectron('/tmp')
fake.electron = electron

async function exposed(): Promise<Bridge> {
  await import('../../../src-main/electron/preload')
  const [name, api] = electron.contextBridge.exposeInMainWorld.mock.calls[0]!
  expect(name).toBe('api')
  return api as Bridge
}

describe('the preload', () => {
  it('exposes exactly invoke and on, as plain functions', async () => {
    const api = await exposed()
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on'])
    expect(typeof api.invoke).toBe('function')
    expect(typeof api.on).toBe('function')
  })

  it('allows exactly the contract’s channels and events', async () => {
    const api = await exposed()
    expect([...INVOKE_CHANNELS].sort()).toEqual(Object.keys(contract).sort())
    expect([...EVENT_CHANNELS].sort()).toEqual(Object.keys(events).sort())
    for (const channel of INVOKE_CHANNELS) {
      await api.invoke(channel, {} as never)
      expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(channel, {})
    }
    await expect(api.invoke('shell:openExternal' as never, {} as never)).rejects.toThrow(
      /Unsupported IPC channel/
    )
    expect(() => api.on('ipc:anything' as never, () => undefined)).toThrow(/Unsupported IPC event/)
  })

  it('hands listeners the payload only, never the IPC event, and unsubscribes', async () => {
    const api = await exposed()
    const listener = vi.fn()
    const off = api.on('data:changed', listener)
    const [event, wrapped] = electron.ipcRenderer.on.mock.calls.at(-1)!
    expect(event).toBe('data:changed')
    ;(wrapped as (e: unknown, p: unknown) => void)(
      { sender: 'secret internals' },
      { entities: ['runs'] }
    )
    expect(listener).toHaveBeenCalledWith({ entities: ['runs'] })
    off()
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith('data:changed', wrapped)
  })
})
