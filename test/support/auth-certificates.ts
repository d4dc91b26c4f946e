import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Self-signed test certificates made with the openssl CLI (node:crypto can read X.509 but not
 * issue it). The keys are generated per run and live in a temporary folder only.
 */

export const HAVE_OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

export interface TestCertificate {
  certPem: string
  keyPem: string
  /** A PEM file with the certificate and its key, as `--cert FILE` expects. */
  path: string
}

export function makeCertificate(
  dir: string,
  name: string,
  options: { key?: 'rsa' | 'ec' } = {}
): TestCertificate {
  const keyFile = join(dir, `${name}.key`)
  const certFile = join(dir, `${name}.crt`)
  const keyArgs =
    options.key === 'ec'
      ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']
      : ['-newkey', 'rsa:2048']
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...keyArgs,
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '30',
      '-subj',
      `/CN=dvsync-test-${name}`
    ],
    { stdio: 'ignore' }
  )
  const certPem = readFileSync(certFile, 'utf8')
  const keyPem = readFileSync(keyFile, 'utf8')
  const path = join(dir, `${name}.pem`)
  writeFileSync(path, `${certPem}${keyPem}`, { mode: 0o600 })
  return { certPem, keyPem, path }
}

/** The key of `cert`, re-encrypted with a passphrase (what an unattended run can't use). */
export function encryptedKeyPem(cert: TestCertificate, dir: string): string {
  const out = join(dir, 'encrypted.key')
  const plain = join(dir, 'plain.key')
  writeFileSync(plain, cert.keyPem, { mode: 0o600 })
  execFileSync('openssl', ['pkey', '-in', plain, '-aes256', '-passout', 'pass:test', '-out', out], {
    stdio: 'ignore'
  })
  return readFileSync(out, 'utf8')
}
