import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSandbox, type RunningSandbox } from '../../../src-main/sandbox/index'
import { appFixture, type AppFixture } from './app-fixture'

/** The Environments screen's services, through the IPC handlers, against real sandboxes. */
let f: AppFixture
let external: RunningSandbox
beforeAll(async () => {
  f = await appFixture({ user: 'reader@sandbox.local' })
  external = await startSandbox({ port: 0, seed: 'empty' })
})
afterAll(async () => {
  await f?.close()
  await external?.close()
})

describe('environments', () => {
  it('adds the one-click sandbox, started in-process, and signs in on its sign-in page', async () => {
    const added = await f.call('environments:addSandbox', {})
    expect(added).toMatchObject({
      name: 'sandbox',
      authKind: 'sandbox',
      builtInSandbox: true,
      signInStyle: 'user',
      signedIn: false
    })
    expect(f.app.sandbox.origins()).toEqual([added.url])
    const signedIn = await f.call('environments:signIn', { id: added.id })
    expect(signedIn).toMatchObject({
      signedIn: true,
      account: { username: 'reader@sandbox.local' }
    })
    expect(f.browser.opened[0]).toContain(`${added.url}/`)
    const test = await f.call('environments:test', { id: added.id })
    expect(test).toMatchObject({ retentionDays: 7 })
    expect(f.events).toContainEqual({
      event: 'data:changed',
      payload: { entities: ['environments'], environmentId: added.id }
    })
    await expect(f.fail('environments:addSandbox', { name: 'again' })).resolves.toMatchObject({
      code: 'CONFLICT',
      message: "The built-in sandbox is already added as 'sandbox'."
    })
  })

  it('signs out, and a sign-in cancelled in the app ends as CANCELLED', async () => {
    const [env] = await f.call('environments:list', {})
    const out = await f.call('environments:signOut', { id: env!.id })
    expect(out.signedIn).toBe(false)
    const ignoring = await appFixture({ action: 'ignore' })
    try {
      const added = await ignoring.call('environments:addSandbox', {})
      const pending = ignoring.fail('environments:signIn', { id: added.id })
      await expect.poll(() => ignoring.browser.opened.length).toBe(1)
      await expect(ignoring.call('environments:cancelSignIn', { id: added.id })).resolves.toEqual({
        cancelled: true
      })
      await expect(pending).resolves.toMatchObject({ code: 'CANCELLED' })
      await expect(ignoring.call('environments:cancelSignIn', { id: added.id })).resolves.toEqual({
        cancelled: false
      })
    } finally {
      await ignoring.close()
    }
  })

  it('adds a sandbox run elsewhere, as its demo app or as a demo user', async () => {
    const app = await f.call('environments:add', {
      authKind: 'sandbox',
      name: 'elsewhere-app',
      url: external.url,
      signInAsUser: false
    })
    expect(app).toMatchObject({ signInStyle: 'app', signedIn: true, clientId: null })
    await expect(f.call('environments:test', { id: app.id })).resolves.toMatchObject({
      retentionDays: 7
    })
    const user = await f.call('environments:add', {
      authKind: 'sandbox',
      name: 'elsewhere-user',
      url: `${external.url}/`,
      signInAsUser: true
    })
    expect(user).toMatchObject({ signInStyle: 'user', clientId: external.publicClientId })
    expect(user.url).toBe(external.url)
  })

  it('keeps a client secret out of every reply and refuses incomplete settings by field', async () => {
    const added = await f.call('environments:add', {
      authKind: 'client-secret',
      name: 'contoso',
      url: 'https://contoso.crm.dynamics.com',
      tenantId: '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee',
      clientId: '3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002',
      clientSecret: 'a-client-secret-value-1234'
    })
    expect(JSON.stringify(added)).not.toContain('a-client-secret-value-1234')
    expect(JSON.stringify(await f.call('environments:list', {}))).not.toContain('secret-value')
    await expect(
      f.fail('environments:add', {
        authKind: 'client-secret',
        name: 'missing',
        url: 'https://contoso.crm.dynamics.com',
        tenantId: '8f5c2a1e-7d3b-4c6a-9e10-5a4db0c0ffee',
        clientId: 'not-a-guid',
        clientSecret: 'x'
      })
    ).resolves.toEqual({
      code: 'INVALID_INPUT',
      field: 'clientId',
      message: "The client ID must be a GUID, got 'not-a-guid'."
    })
    await expect(
      f.fail('environments:add', {
        authKind: 'token-command',
        name: 'cmd',
        url: 'https://contoso.crm.dynamics.com',
        tokenCommand: ''
      })
    ).resolves.toMatchObject({ code: 'INVALID_INPUT', field: 'tokenCommand' })
    await expect(
      f.fail('environments:add', {
        authKind: 'env-token',
        name: 'contoso',
        url: 'https://contoso.crm.dynamics.com'
      })
    ).resolves.toMatchObject({ code: 'CONFLICT', field: 'name' })
    await f.call('environments:remove', { id: added.id })
    await expect(f.fail('environments:test', { id: added.id })).resolves.toMatchObject({
      code: 'NOT_FOUND'
    })
  })

  it('says when the built-in sandbox cannot start because its port is taken', async () => {
    const other = await appFixture()
    try {
      const blocker = await startSandbox({ port: Number(new URL(other.app.sandbox.url).port) })
      try {
        await expect(other.fail('environments:addSandbox', {})).resolves.toMatchObject({
          code: 'CONFLICT',
          message: expect.stringContaining('used by another program')
        })
      } finally {
        await blocker.close()
      }
    } finally {
      await other.close()
    }
  })
})
