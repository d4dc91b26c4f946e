import { afterAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { INVOKE_CHANNELS } from '../../../src-shared/channels'
import { contract, events } from '../../../src-shared/contract'
import { createHandlers, dispatch } from '../../../src-main/ipc/handlers'
import { offlineAppServices } from '../../support/offline-app-services'
import { findSecrets } from '../../support/secret-scan'

const SECRET_NAME = /(secret|password|passwd|token|credential|assertion|bearer|refresh|private)/i

interface Def {
  type: string
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  options?: z.ZodType[]
  innerType?: z.ZodType
  valueType?: z.ZodType
  in?: z.ZodType
  out?: z.ZodType
}

/** Every field name a schema can produce, with its path (zod 4's definitions, walked). */
function fieldNames(schema: z.ZodType, path = '$'): string[] {
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def
  const walk = (s: z.ZodType | undefined, p: string): string[] => (s ? fieldNames(s, p) : [])
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) => [
        `${path}.${key}`,
        ...fieldNames(value, `${path}.${key}`)
      ])
    case 'array':
      return walk(def.element, `${path}[]`)
    case 'union':
      return (def.options ?? []).flatMap((o) => fieldNames(o, path))
    case 'record':
      return walk(def.valueType, `${path}{}`)
    case 'pipe':
      return [...walk(def.in, path), ...walk(def.out, path)]
    default:
      return walk(def.innerType, path)
  }
}

const fixture = offlineAppServices()
afterAll(() => fixture.dispose())

describe('no secret ever reaches the renderer', () => {
  it('no output or event schema has a field named like a secret or a token', () => {
    const outputs = INVOKE_CHANNELS.flatMap((c) => fieldNames(contract[c].output, c))
    const payloads = Object.entries(events).flatMap(([e, s]) => fieldNames(s, e))
    expect(outputs.length).toBeGreaterThan(100)
    expect([...outputs, ...payloads].filter((f) => SECRET_NAME.test(f.split('.').at(-1)!))).toEqual(
      []
    )
  })

  it('the only secret the renderer may send is the client secret, on its way to the keychain', () => {
    const inputs = INVOKE_CHANNELS.flatMap((c) => fieldNames(contract[c].input, c))
    // (tokenCommand is the command that prints a token, not a token; it is never sent back.)
    expect(inputs.filter((f) => SECRET_NAME.test(f.split('.').at(-1)!)).sort()).toEqual([
      'environments:add.clientSecret',
      'environments:add.tokenCommand'
    ])
  })

  it('what the handlers answer holds none, even right after a secret was stored', async () => {
    const handlers = createHandlers(fixture.app)
    const secret = 'Zq8~not-a-real-client-secret-4711'
    const added = await dispatch(handlers, 'environments:add', {
      authKind: 'client-secret',
      name: 'unattended',
      url: 'https://contoso.crm.dynamics.com',
      tenantId: '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee',
      clientId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002',
      clientSecret: secret
    })
    expect(added.ok).toBe(true)
    const replies = [
      added,
      await dispatch(handlers, 'environments:list', {}),
      await dispatch(handlers, 'app:info', {}),
      await dispatch(handlers, 'runs:list', {}),
      await dispatch(handlers, 'pulls:active', {})
    ]
    for (const reply of replies) expect(reply.ok).toBe(true)
    expect(findSecrets(replies, [secret])).toEqual([])
    // The schemas would also refuse a reply that carried extra fields.
    const list = replies[1] as { ok: true; value: unknown }
    expect(contract['environments:list'].output.safeParse(list.value).success).toBe(true)
  })
})
