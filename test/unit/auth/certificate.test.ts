import { X509Certificate } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCertificate } from '../../../src-main/auth/certificate'
import {
  HAVE_OPENSSL,
  encryptedKeyPem,
  makeCertificate,
  type TestCertificate
} from '../../support/auth-certificates'

const tmp = mkdtempSync(join(tmpdir(), 'dvsync-cert-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe.skipIf(!HAVE_OPENSSL)('loadCertificate (PEM with certificate and key)', () => {
  let rsa: TestCertificate
  const pem = (name: string, content: string): string => {
    const path = join(tmp, name)
    writeFileSync(path, content)
    return path
  }
  const failure = (path: string, now?: Date) =>
    loadCertificate(path, 'prod', now).then(
      () => '',
      (e: Error) => e.message
    )

  it('computes the SHA-256 thumbprint with node:crypto and gives msal a PKCS#8 key', async () => {
    rsa = makeCertificate(tmp, 'rsa')
    const credential = await loadCertificate(rsa.path, 'prod')
    const expected = new X509Certificate(rsa.certPem).fingerprint256.replace(/:/g, '').toLowerCase()
    expect(credential.thumbprintSha256).toBe(expected)
    expect(credential.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(credential.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/)
    expect(credential.x5c).toContain('BEGIN CERTIFICATE')
  })

  it('explains each problem with the file', async () => {
    expect(await failure(join(tmp, 'missing.pem'))).toMatch(/does not exist\. Check --cert\.$/)
    expect(await failure(pem('only-key.pem', rsa.keyPem))).toMatch(/no "BEGIN CERTIFICATE" block/)
    expect(await failure(pem('only-cert.pem', rsa.certPem))).toMatch(/has no private key/)
    expect(await failure(pem('enc.pem', rsa.certPem + encryptedKeyPem(rsa, tmp)))).toMatch(
      /password-protected private key, which can't be used unattended/
    )
    const other = makeCertificate(tmp, 'other')
    expect(await failure(pem('mismatch.pem', rsa.certPem + other.keyPem))).toMatch(
      /private key that does not belong to its certificate/
    )
    expect(await failure(rsa.path, new Date(Date.now() + 400 * 86_400_000))).toMatch(
      /expired on .*Upload a new certificate/
    )
    const ec = makeCertificate(tmp, 'ec', { key: 'ec' })
    expect(await failure(ec.path)).toMatch(/uses a ec key; Entra ID app certificates must be RSA/)
  })
})
