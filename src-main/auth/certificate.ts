import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { AuthFailedError } from './errors'

/** What msal-node's `clientCertificate` needs (Configuration.d.ts: SHA-256 thumbprint, PKCS#8). */
export interface CertificateCredential {
  /** Hex SHA-256 thumbprint of the certificate (x5t#S256 in the client assertion). */
  thumbprintSha256: string
  /** PKCS#8 PEM of the private key. */
  privateKey: string
  /** The certificate chain as PEM, sent as x5c (subject name + issuer authentication). */
  x5c: string
  notAfter: Date
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/

/**
 * Reads the PEM file of a certificate credential (`dvsync env add --auth certificate --cert
 * FILE`): the certificate and its unencrypted private key, in one file. The thumbprint is
 * computed with node:crypto; the key must match the certificate, be RSA (what Entra accepts
 * for client assertions) and the certificate must be within its validity period.
 */
export async function loadCertificate(
  path: string,
  envName: string,
  now = new Date()
): Promise<CertificateCredential> {
  const fail = (why: string): AuthFailedError =>
    new AuthFailedError('configuration', `The certificate of environment '${envName}' ${why}`)
  let pem: string
  try {
    pem = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw fail(
      code === 'ENOENT'
        ? `file ${path} does not exist. Check --cert.`
        : `file ${path} can't be read (${code ?? 'error'}). Check its permissions.`
    )
  }
  const certs = pem.match(CERT_BLOCK) ?? []
  const keyMatch = KEY_BLOCK.exec(pem)
  const leafPem = certs[0]
  if (!leafPem)
    throw fail(
      `file ${path} has no "BEGIN CERTIFICATE" block. Put the certificate and its private key in one PEM file.`
    )
  if (!keyMatch)
    throw fail(
      `file ${path} has no private key. Put the certificate and its private key (BEGIN PRIVATE KEY) in one PEM file.`
    )
  if (keyMatch[1] === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(keyMatch[0]))
    throw fail(
      `file ${path} has a password-protected private key, which can't be used unattended. Export it without a password (e.g. openssl pkey -in key.pem -out plain.pem) and protect the file with file permissions.`
    )
  let cert: X509Certificate
  let key: KeyObject
  try {
    cert = new X509Certificate(leafPem)
    key = createPrivateKey(keyMatch[0])
  } catch (err) {
    throw fail(`file ${path} could not be parsed (${(err as Error).message}).`)
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw fail(
      `uses a ${key.asymmetricKeyType ?? 'non-RSA'} key; Entra ID app certificates must be RSA.`
    )
  if (!cert.checkPrivateKey(key))
    throw fail(`file ${path} holds a private key that does not belong to its certificate.`)
  const notAfter = new Date(cert.validTo)
  if (notAfter.getTime() <= now.getTime())
    throw fail(
      `expired on ${notAfter.toISOString()}. Upload a new certificate to the app registration and point --cert at it.`
    )
  if (new Date(cert.validFrom).getTime() > now.getTime())
    throw fail(`is not valid before ${new Date(cert.validFrom).toISOString()}.`)
  return {
    thumbprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    privateKey: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    x5c: certs.join('\n'),
    notAfter
  }
}
