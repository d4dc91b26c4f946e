import { describe, expect, it } from 'vitest'
import { INVOKE_CHANNELS } from '../../../src-shared/channels'
import { contract } from '../../../src-shared/contract'
import { createHandlers, dispatch } from '../../../src-main/ipc/handlers'

const handlers = createHandlers({
  appInfo: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: 'linux' }
})

describe('IPC dispatch', () => {
  it('has a handler and a schema for every allow-listed channel', () => {
    for (const channel of INVOKE_CHANNELS) {
      expect(typeof handlers[channel]).toBe('function')
      expect(contract[channel]).toBeDefined()
    }
    expect(Object.keys(contract).sort()).toEqual([...INVOKE_CHANNELS].sort())
  })

  it('wraps a value in the Result envelope', async () => {
    await expect(dispatch(handlers, 'app:info', {})).resolves.toEqual({
      ok: true,
      value: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: 'linux' }
    })
  })

  it('refuses input that does not match the contract, naming what was wrong', async () => {
    const reply = await dispatch(handlers, 'app:info', { unexpected: 1 })
    expect(reply.ok).toBe(false)
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_INPUT')
      expect(reply.error.message).toContain('app:info')
    }
  })
})
