import {
  ClientAuthError,
  ClientConfigurationError,
  InteractionRequiredAuthError,
  ServerError
} from '@azure/msal-node'
import { describe, expect, it } from 'vitest'
import { AuthenticationError } from '../../../src-main/dataverse/errors'
import {
  AuthFailedError,
  KeychainUnavailableError,
  SignInCancelledError,
  SignInRequiredError,
  humanDuration,
  keychainHint,
  redact
} from '../../../src-main/auth/errors'
import { fromMsalError, type MsalErrorContext } from '../../../src-main/auth/msal-errors'

describe('redact', () => {
  it('removes JWTs and long token-like runs, keeps GUIDs, AADSTS codes and URLs', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
    const refresh = '0.AXoA' + 'x'.repeat(60)
    const text = `AADSTS7000215: bad ${jwt} and ${refresh} for 3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002 at https://login.microsoftonline.com/organizations/oauth2/v2.0/token?code=${refresh}`
    expect(redact(text)).toBe(
      'AADSTS7000215: bad [redacted token] and [redacted] for 3c1f6a2b-9d4e-4f7a-8b5c-0d5b5a4d1002 at https://login.microsoftonline.com/organizations/oauth2/v2.0/token?[redacted]'
    )
  })

  it('removes given secrets even when short', () => {
    expect(redact('secret is hunter2!', ['hunter2'])).toBe('secret is [redacted]!')
  })
})

describe('messages', () => {
  it('every sign-in error is an AuthenticationError (CLI exit code 3)', () => {
    for (const error of [
      new SignInRequiredError('x'),
      new SignInCancelledError('x'),
      new KeychainUnavailableError('x'),
      new AuthFailedError('token-command', 'x')
    ])
      expect(error).toBeInstanceOf(AuthenticationError)
  })

  it('names the keychain to install or unlock per platform', () => {
    expect(keychainHint('linux')).toMatch(/libsecret .*gnome-keyring/)
    expect(keychainHint('darwin')).toMatch(/login keychain/)
    expect(keychainHint('win32')).toMatch(/Credential Manager/)
  })

  it('formats durations for timeout messages', () => {
    expect([400, 30_000, 300_000].map(humanDuration)).toEqual(['400 ms', '30 s', '5 minutes'])
  })
})

describe('fromMsalError (msal-offline.md Q2–Q3)', () => {
  const ctx: MsalErrorContext = {
    envName: 'prod',
    flow: 'user',
    clientId: 'app-id',
    authority: 'https://login.microsoftonline.com/organizations'
  }
  const wrapped = (description: string) =>
    `Error(s): 50173 - Timestamp: 2024-01-01 - Description: ${description}\r\nTrace ID: t - Correlation ID: c - Trace ID: t`

  it('InteractionRequired and invalid_grant mean "sign in again" for users', () => {
    for (const err of [
      new InteractionRequiredAuthError(
        'invalid_grant',
        'correlation-id',
        wrapped('AADSTS50173: The grant expired.'),
        'bad_token'
      ),
      new ServerError('invalid_grant', 'correlation-id', wrapped('AADSTS50173: The grant expired.'))
    ]) {
      const mapped = fromMsalError(err, ctx)
      expect(mapped).toBeInstanceOf(SignInRequiredError)
      expect(mapped.message).toBe(
        "The saved sign-in for environment 'prod' is no longer accepted (invalid_grant: AADSTS50173: The grant expired.). Sign in again."
      )
    }
  })

  it('a wrong secret says to check the secret, without echoing it', () => {
    const mapped = fromMsalError(
      new ServerError('invalid_client', '', 'AADSTS7000215: Invalid client secret hunter2-secret.'),
      { ...ctx, flow: 'app', secrets: ['hunter2-secret'], credential: 'secret' }
    )
    expect(mapped).toMatchObject({ code: 'credential-rejected' })
    expect(mapped.message).toMatch(/Check the secret .* store it again/)
    expect(mapped.message).not.toContain('hunter2')
  })

  it('maps cancel, configuration and network failures', () => {
    expect(fromMsalError(new ServerError('access_denied', '', 'x'), ctx)).toBeInstanceOf(
      SignInCancelledError
    )
    expect(
      fromMsalError(new ClientConfigurationError('missing_tenant_id_error', 'x'), ctx)
    ).toMatchObject({ code: 'configuration' })
    const offline = fromMsalError(new ClientAuthError('network_error', '', 'fetch failed'), ctx)
    expect(offline).toMatchObject({ code: 'unreachable' })
    expect(offline.message).toMatch(
      /^Could not reach the identity provider https:\/\/login\.microsoftonline\.com to sign in/
    )
  })

  it('passes its own errors through and leaves unknown errors alone', () => {
    const own = new KeychainUnavailableError('no keychain')
    expect(fromMsalError(own, ctx)).toBe(own)
    const other = new RangeError('x')
    expect(fromMsalError(other, ctx)).toBe(other)
  })
})
