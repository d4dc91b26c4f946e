import { describe, expect, it } from 'vitest'
import { AadError } from '../../../src-main/sandbox/identity/aad-errors'
import {
  appOnlyResource,
  delegatedScopes,
  parseScopes
} from '../../../src-main/sandbox/identity/scopes'

const env = 'http://127.0.0.1:5555'
const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn()
  } catch (err) {
    if (err instanceof AadError) return err.code
    throw err
  }
  return undefined
}

describe('scopes (reference §9, msal-offline.md .default pitfall)', () => {
  it('finds the resource origin and the OIDC scopes msal adds', () => {
    expect(parseScopes(`${env}/user_impersonation openid profile offline_access`)).toEqual({
      resource: env,
      permissions: ['user_impersonation'],
      openid: true,
      profile: true,
      email: false,
      offlineAccess: true
    })
  })

  it('grants .default to a user as user_impersonation, as Entra does', () => {
    expect(delegatedScopes(parseScopes(`${env}/.default`), 'app')).toEqual({
      resource: env,
      grantedScope: `${env}/user_impersonation`
    })
  })

  it('accepts an environment URL with its trailing slash, and localhost', () => {
    expect(parseScopes(`${env}//.default`).resource).toBe(env)
    expect(parseScopes('http://localhost:8080/user_impersonation').resource).toBe(
      'http://localhost:8080'
    )
  })

  it('refuses several resources, non-loopback resources, Graph-style and unknown scopes', () => {
    expect(
      codeOf(() => parseScopes(`${env}/user_impersonation http://127.0.0.1:6666/.default`))
    ).toBe(28000)
    expect(codeOf(() => parseScopes('https://contoso.crm.dynamics.com/user_impersonation'))).toBe(
      500011
    )
    expect(codeOf(() => parseScopes(`${env}/api/data/user_impersonation`))).toBe(500011)
    expect(codeOf(() => parseScopes('User.Read'))).toBe(70011)
    expect(codeOf(() => delegatedScopes(parseScopes('openid profile'), 'app'))).toBe(70011)
    expect(codeOf(() => delegatedScopes(parseScopes(`${env}/Write.All`), 'app'))).toBe(650053)
  })

  it('requires <resource>/.default for client credentials (AADSTS1002012)', () => {
    expect(appOnlyResource(`${env}/.default`)).toBe(env)
    expect(codeOf(() => appOnlyResource(`${env}/user_impersonation`))).toBe(1002012)
    expect(codeOf(() => appOnlyResource(`${env}/.default openid`))).toBe(1002012)
    expect(codeOf(() => appOnlyResource(''))).toBe(1002012)
  })
})
