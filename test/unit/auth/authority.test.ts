import { describe, expect, it, vi } from 'vitest'
import { authorityUrl, msalAuthority, scopeFor } from '../../../src-main/auth/authority'
import { DATAVERSE_SAMPLE_PUBLIC_CLIENT_ID, planFor } from '../../../src-main/auth/environment-plan'
import type { SandboxInfo } from '../../../src-main/auth/sandbox-info'
import type { EnvironmentConfig } from '../../../src-shared/model/environment'

const env = (fields: Partial<EnvironmentConfig>): EnvironmentConfig => ({
  id: 1,
  name: 'prod',
  url: 'https://contoso.crm.dynamics.com/',
  authKind: 'interactive',
  ...fields
})

const info: SandboxInfo = {
  url: 'http://127.0.0.1:5555',
  tenantId: 'tid',
  authority: 'https://127.0.0.1:5555/tid',
  tokenEndpoint: 'http://127.0.0.1:5555/tid/oauth2/v2.0/token',
  clientId: 'demo-app',
  clientSecret: 'demo-secret',
  publicClientId: 'public-app',
  knownAuthority: '127.0.0.1:5555',
  authorityMetadata: '{"issuer":"x"}'
}

describe('authorities', () => {
  it('public cloud: organizations for users, the tenant for apps, no overrides', async () => {
    expect(authorityUrl(env({}), 'user')).toBe('https://login.microsoftonline.com/organizations')
    expect(authorityUrl(env({ tenantId: 'contoso.onmicrosoft.com' }), 'app')).toBe(
      'https://login.microsoftonline.com/contoso.onmicrosoft.com'
    )
    const fetchInfo = vi.fn()
    expect(
      await msalAuthority('https://login.microsoftonline.com/organizations', fetchInfo)
    ).toEqual({
      authority: 'https://login.microsoftonline.com/organizations'
    })
    expect(fetchInfo).not.toHaveBeenCalled()
  })

  it('national clouds by authority URL, with or without the tenant in it', () => {
    expect(
      authorityUrl(env({ authority: 'https://login.microsoftonline.us', tenantId: 't' }), 'app')
    ).toBe('https://login.microsoftonline.us/t')
    expect(authorityUrl(env({ authority: 'https://login.chinacloudapi.cn/t2/' }), 'app')).toBe(
      'https://login.chinacloudapi.cn/t2'
    )
  })

  it('refuses apps without a tenant, and non-https authorities', () => {
    expect(() => authorityUrl(env({ authKind: 'client-secret' }), 'app')).toThrow(/--tenant/)
    expect(() =>
      authorityUrl(env({ authority: 'https://login.microsoftonline.com/common' }), 'app')
    ).toThrow(/--tenant/)
    expect(() => authorityUrl(env({ authority: 'http://login.example.com/t' }), 'user')).toThrow(
      /plain https URL/
    )
  })

  it('a loopback authority is the sandbox IdP: overrides from its /_sandbox/info', async () => {
    const fetchInfo = vi.fn(() => Promise.resolve(info))
    expect(await msalAuthority('https://127.0.0.1:5555/tid', fetchInfo)).toEqual({
      authority: 'https://127.0.0.1:5555/tid',
      knownAuthorities: ['127.0.0.1:5555'],
      authorityMetadata: '{"issuer":"x"}'
    })
    expect(fetchInfo).toHaveBeenCalledWith('http://127.0.0.1:5555')
  })

  it('scopes: user_impersonation for users, .default for apps, on the origin (reference §9)', () => {
    expect(scopeFor('https://contoso.crm.dynamics.com/api/data/v9.2/', 'user')).toBe(
      'https://contoso.crm.dynamics.com/user_impersonation'
    )
    expect(scopeFor('https://contoso.crm.dynamics.com', 'app')).toBe(
      'https://contoso.crm.dynamics.com/.default'
    )
  })
})

describe('planFor', () => {
  const noSandbox = () => Promise.reject(new Error('not a sandbox'))

  it('interactive defaults to Microsoft’s preapproved public client', async () => {
    expect(await planFor(env({}), noSandbox)).toEqual({
      kind: 'user',
      clientId: DATAVERSE_SAMPLE_PUBLIC_CLIENT_ID,
      auth: { authority: 'https://login.microsoftonline.com/organizations' },
      scope: 'https://contoso.crm.dynamics.com/user_impersonation'
    })
  })

  it('sandbox: demo app by default, the public client signs users in', async () => {
    const sandbox = env({ authKind: 'sandbox', url: 'http://127.0.0.1:5555' })
    const read = () => Promise.resolve(info)
    expect(await planFor(sandbox, read)).toMatchObject({
      kind: 'app-demo',
      clientId: 'demo-app',
      secret: 'demo-secret',
      scope: 'http://127.0.0.1:5555/.default',
      auth: { authority: info.authority, knownAuthorities: ['127.0.0.1:5555'] }
    })
    expect(await planFor({ ...sandbox, clientId: 'PUBLIC-APP' }, read)).toMatchObject({
      kind: 'user',
      clientId: 'public-app',
      scope: 'http://127.0.0.1:5555/user_impersonation'
    })
  })

  it('token command and env token need nothing from the network', async () => {
    expect(
      await planFor(env({ authKind: 'token-command', tokenCommand: 'az x' }), noSandbox)
    ).toEqual({
      kind: 'token-command',
      command: 'az x'
    })
    expect(await planFor(env({ authKind: 'env-token' }), noSandbox)).toEqual({ kind: 'env-token' })
  })
})
