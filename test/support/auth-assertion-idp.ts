import { createHash, randomUUID, X509Certificate } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeProtectedHeader, importX509, jwtVerify } from 'jose'

/**
 * A token endpoint for certificate credentials, because the sandbox's identity provider accepts
 * client secrets only (it answers client_assertion with AADSTS7000218). It is the one stand-in in
 * the sign-in tests, and it checks what Entra checks of msal-node's client assertion: signed
 * with the certificate's key (jose), `x5t#S256` = the certificate's SHA-256 thumbprint,
 * iss = sub = client id, aud = the token endpoint, a jti, and a short lifetime. It then answers
 * like Entra's client-credentials grant with an (unsigned) access token.
 *
 * It also serves /_sandbox/info so the product treats it like any loopback identity provider
 * (authority overrides only).
 */

export interface AssertionIdp {
  origin: string
  tenantId: string
  authority: string
  tokenEndpoint: string
  /** Verified assertions, newest last. */
  readonly accepted: { clientId: string; x5tS256: string; hasX5c: boolean }[]
  close(): Promise<void>
}

export async function startAssertionIdp(options: {
  clientId: string
  certificatePem: string
}): Promise<AssertionIdp> {
  const tenantId = '6d2f0a9c-1b3e-4c5d-8e7f-00a1b2c3d4e5'
  const cert = new X509Certificate(options.certificatePem)
  const thumbprint = createHash('sha256').update(cert.raw).digest('base64url')
  const accepted: AssertionIdp['accepted'] = []
  let origin = ''

  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
    }
    const url = new URL(req.url ?? '/', origin)
    if (req.method === 'GET' && url.pathname === '/_sandbox/info') {
      send(200, info())
      return
    }
    if (req.method !== 'POST' || url.pathname !== `/${tenantId}/oauth2/v2.0/token`) {
      send(404, { error: 'not_found' })
      return
    }
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      verify(new URLSearchParams(body)).then(
        (token) => send(200, { token_type: 'Bearer', expires_in: 3600, access_token: token }),
        (err: Error) =>
          send(401, {
            error: 'invalid_client',
            error_description: `AADSTS700027: ${err.message}`,
            error_codes: [700027]
          })
      )
    })
  })

  async function verify(form: URLSearchParams): Promise<string> {
    if (form.get('grant_type') !== 'client_credentials') throw new Error('grant_type')
    if (
      form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    )
      throw new Error('client_assertion_type')
    const assertion = form.get('client_assertion') ?? ''
    const header = decodeProtectedHeader(assertion)
    if (header['x5t#S256'] !== thumbprint) throw new Error('x5t#S256 does not match')
    const alg = header.alg ?? ''
    const key = await importX509(options.certificatePem, alg)
    const { payload } = await jwtVerify(assertion, key, {
      issuer: options.clientId,
      subject: options.clientId,
      audience: tokenEndpoint(),
      maxTokenAge: '10m',
      // Entra allows 5 minutes of clock skew; msal rounds nbf to the nearest second.
      clockTolerance: 300
    })
    if (!payload.jti) throw new Error('jti missing')
    if (form.get('client_id') !== options.clientId) throw new Error('client_id')
    accepted.push({
      clientId: options.clientId,
      x5tS256: String(header['x5t#S256']),
      hasX5c: Array.isArray(header.x5c)
    })
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      aud: form.get('scope')?.replace('/.default', ''),
      appid: options.clientId,
      idtyp: 'app',
      iat: now,
      exp: now + 3600,
      jti: randomUUID()
    }
    const part = (value: unknown): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url')
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`
  }

  const tokenEndpoint = (): string => `${origin}/${tenantId}/oauth2/v2.0/token`
  const info = () => {
    const host = new URL(origin).host
    const base = `${origin}/${tenantId}`
    return {
      url: origin,
      apiBase: `${origin}/api/data/v9.2/`,
      tenantId,
      authority: `https://${host}/${tenantId}`,
      tokenEndpoint: tokenEndpoint(),
      clientId: options.clientId,
      clientSecret: '',
      publicClientId: '',
      knownAuthority: host,
      authorityMetadata: JSON.stringify({
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: tokenEndpoint(),
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`
      })
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    tenantId,
    authority: info().authority,
    tokenEndpoint: tokenEndpoint(),
    accepted,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
