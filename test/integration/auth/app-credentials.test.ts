import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AuthFailedError } from '../../../src-main/auth/errors'
import { DataverseClient } from '../../../src-main/dataverse/client'
import { startAssertionIdp } from '../../support/auth-assertion-idp'
import { HAVE_OPENSSL, makeCertificate } from '../../support/auth-certificates'
import { KEYCHAIN_MISSING, claimsOf, useAuthTestbed } from '../../support/auth-testbed'

/**
 * Unattended sign-in as an app (client credentials, msal-offline.md Q3) against the sandbox's
 * identity provider over real HTTP, the client secret kept in the real keychain. Certificates
 * use a small assertion-checking token endpoint instead, because the sandbox IdP has no
 * certificate credentials (test/support/auth-assertion-idp.ts).
 */

const bed = useAuthTestbed()
const tmp = mkdtempSync(join(tmpdir(), 'dvsync-certs-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const failure = async (promise: Promise<unknown>): Promise<AuthFailedError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(AuthFailedError)
  return error as AuthFailedError
}

describe('the sandbox kind: its demo app by default (client credentials)', () => {
  it('gets an app token from the sandbox IdP, caches it, and Dataverse accepts it', async () => {
    const env = bed.env({ authKind: 'sandbox' })
    const tokens = bed.service().tokenSource(env)
    const start = bed.tokenRequests()
    const first = await tokens.getToken()
    bed.remember(first)
    expect(await tokens.getToken()).toBe(first)
    expect(bed.tokenRequests()).toBe(start + 1)
    expect(claimsOf(first)).toMatchObject({
      aud: bed.sandbox.url,
      idtyp: 'app',
      appid: bed.sandbox.clientId
    })
    const client = new DataverseClient({ environmentUrl: env.url, tokens })
    expect((await client.metadata.whoAmI()).organizationId).toMatch(/^[0-9a-f-]{36}$/)
    // The demo secret is read from /_sandbox/info and never stored.
    expect(
      await bed
        .service()
        .hasClientSecret(env)
        .catch(() => false)
    ).toBe(false)
  })

  it('says when the sandbox is not running', async () => {
    const env = bed.env({ authKind: 'sandbox', url: 'http://127.0.0.1:9' })
    const error = await failure(bed.service().tokenSource(env).getToken())
    expect(error.code).toBe('unreachable')
    expect(error.message).toMatch(
      /^Could not read the sandbox's sign-in settings from http:\/\/127\.0\.0\.1:9\/_sandbox\/info \(.+\)\. Is the sandbox running/
    )
  })

  it('refuses a client id the sandbox does not know', async () => {
    const env = bed.env({ authKind: 'sandbox', clientId: '11111111-2222-4333-8444-555555555555' })
    const error = await failure(bed.service().tokenSource(env).getToken())
    expect(error).toMatchObject({ code: 'configuration' })
    expect(error.message).toMatch(/leave it empty for the demo app/)
  })
})

describe.skipIf(KEYCHAIN_MISSING.length > 0)('client secret (secret only in the keychain)', () => {
  const secretEnv = () =>
    bed.env({
      authKind: 'client-secret',
      tenantId: bed.sandbox.tenantId,
      clientId: bed.sandbox.clientId,
      authority: bed.sandbox.authority
    })

  it('signs in with the stored secret and calls Dataverse', async () => {
    const env = secretEnv()
    const service = bed.service()
    await service.setClientSecret(env, bed.sandbox.clientSecret)
    const tokens = service.tokenSource(env)
    const token = await tokens.getToken()
    bed.remember(token)
    expect(claimsOf(token)).toMatchObject({ idtyp: 'app', aud: bed.sandbox.url })
    const client = new DataverseClient({ environmentUrl: env.url, tokens })
    await expect(client.metadata.whoAmI()).resolves.toHaveProperty('userId')
  })

  it('says to check the secret and the app registration when the secret is wrong', async () => {
    const env = secretEnv()
    const service = bed.service()
    const wrong = 'wrong-secret~0123456789abcdefghijklmnopqrstuv'
    bed.remember(wrong)
    await service.setClientSecret(env, wrong)
    const error = await failure(service.tokenSource(env).getToken())
    expect(error.code).toBe('credential-rejected')
    expect(error.message).toMatch(
      new RegExp(
        `^The identity provider rejected the credential of app ${bed.sandbox.clientId} for environment 'env-\\d+' \\(invalid_client: AADSTS7000215: Invalid client secret provided\\..*\\)\\. Check the secret \\(it may have expired or been replaced\\) and the app registration, then store it again`
      )
    )
    expect(error.message).not.toContain(wrong)
  })

  it('names the unknown app when the client id is wrong', async () => {
    const env = { ...secretEnv(), clientId: '11111111-2222-4333-8444-555555555555' }
    await bed.service().setClientSecret(env, bed.sandbox.clientSecret)
    const error = await failure(bed.service().tokenSource(env).getToken())
    expect(error.code).toBe('credential-rejected')
    expect(error.message).toMatch(/app 11111111-.* is not known .* Check --client-id and --tenant/)
  })

  it('asks for the secret again when the keychain has none', async () => {
    const env = secretEnv()
    const error = await failure(bed.service().tokenSource(env).getToken())
    expect(error).toMatchObject({ code: 'configuration' })
    expect(error.message).toBe(
      `No client secret for environment '${env.name}' is in the keychain. Store it again: dvsync env add ${env.name} … --auth client-secret --secret-stdin.`
    )
  })
})

describe('configuration errors say what to add (before any request)', () => {
  it('needs the tenant for client secrets', async () => {
    const start = bed.tokenRequests()
    const env = bed.env({
      authKind: 'client-secret',
      url: 'https://contoso.crm.dynamics.com',
      clientId: 'a0b1c2d3-0000-4000-8000-000000000001'
    })
    const error = await failure(bed.service().tokenSource(env).getToken())
    expect(error).toMatchObject({ code: 'configuration' })
    expect(error.message).toMatch(/needs the directory \(tenant\) id: add it with --tenant/)
    expect(bed.tokenRequests()).toBe(start)
  })

  it('needs the client id, the certificate file and the command', async () => {
    const cases = [
      [{ authKind: 'client-secret', tenantId: 't' }, /--client-id/],
      [{ authKind: 'certificate', tenantId: 't', clientId: 'c' }, /--cert FILE/],
      [{ authKind: 'token-command' }, /--command "CMD"/]
    ] as const
    for (const [fields, flag] of cases) {
      const error = await failure(
        bed
          .service()
          .tokenSource(bed.env({ ...fields }))
          .getToken()
      )
      expect(error.code).toBe('configuration')
      expect(error.message).toMatch(flag)
    }
  })
})

describe.skipIf(!HAVE_OPENSSL)('certificate credential (client assertion)', () => {
  const clientId = 'c3a7e1d2-4b5f-4a6c-9d8e-0f1a2b3c4d5e'

  it('signs a client assertion with the certificate: thumbprint, key and audience check out', async () => {
    const cert = makeCertificate(tmp, 'app')
    const idp = await startAssertionIdp({ clientId, certificatePem: cert.certPem })
    try {
      const env = bed.env({
        authKind: 'certificate',
        url: 'https://contoso.crm.dynamics.com',
        clientId,
        authority: idp.authority,
        certificatePath: cert.path
      })
      const token = await bed.service().tokenSource(env).getToken()
      expect(claimsOf(token)).toMatchObject({ aud: 'https://contoso.crm.dynamics.com' })
      expect(idp.accepted).toEqual([{ clientId, x5tS256: expect.any(String), hasX5c: true }])
    } finally {
      await idp.close()
    }
  })

  it('reports a certificate the identity provider does not accept', async () => {
    const registered = makeCertificate(tmp, 'registered')
    const other = makeCertificate(tmp, 'other')
    const idp = await startAssertionIdp({ clientId, certificatePem: registered.certPem })
    try {
      const env = bed.env({
        authKind: 'certificate',
        url: 'https://contoso.crm.dynamics.com',
        clientId,
        authority: idp.authority,
        certificatePath: other.path
      })
      const error = await failure(bed.service().tokenSource(env).getToken())
      expect(error.code).toBe('credential-rejected')
      expect(error.message).toMatch(
        /AADSTS700027: x5t#S256 does not match\)\. Check that this certificate is uploaded to the app registration/
      )
    } finally {
      await idp.close()
    }
  })

  it('says what is wrong with the PEM file', async () => {
    const file = join(tmp, 'no-key.pem')
    writeFileSync(file, makeCertificate(tmp, 'nokey').certPem)
    const env = bed.env({
      authKind: 'certificate',
      tenantId: 't',
      url: 'https://contoso.crm.dynamics.com',
      clientId,
      certificatePath: file
    })
    const error = await failure(bed.service().tokenSource(env).getToken())
    expect(error.message).toMatch(/has no private key\. Put the certificate and its private key/)
  })
})

describe('secrets', () => {
  it('keeps every token and secret out of the data folder, the logs and the output', async () => {
    await bed.assertNoSecretsLeaked()
  })
})
