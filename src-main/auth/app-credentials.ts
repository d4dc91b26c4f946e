import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node'
import type { TokenSource } from '../dataverse/token-source'
import type { MsalAuthority } from './authority'
import type { CertificateCredential } from './certificate'
import { AuthFailedError } from './errors'
import { msalLogger } from './msal-logger'
import { fromMsalError } from './msal-errors'

export type AppCredential =
  { kind: 'secret'; secret: string } | { kind: 'certificate'; certificate: CertificateCredential }

export interface AppTokenOptions {
  envName: string
  clientId: string
  auth: MsalAuthority
  /** `<environment URL>/.default` (reference §9; msal-offline.md: .default for confidential). */
  scope: string
  /** Read lazily, once: the client secret from the keychain, or the certificate file. */
  credential: () => Promise<AppCredential>
  log: (line: string) => void
}

/**
 * Unattended sign-in as an app registration (client secret or certificate): msal-node's
 * ConfidentialClientApplication with the client-credentials grant. Its token cache stays in
 * memory (one process's run; nothing about an app token needs to survive), and MSAL answers
 * repeated calls from it until 300 s before expiry. A forced refresh (after a 401) skips it.
 */
export function appTokenSource(options: AppTokenOptions): TokenSource {
  let app:
    | Promise<{
        cca: ConfidentialClientApplication
        secrets: string[]
        kind: AppCredential['kind']
      }>
    | undefined
  const create = async () => {
    const credential = await options.credential()
    const auth: Configuration['auth'] = { clientId: options.clientId, ...options.auth }
    if (credential.kind === 'secret') auth.clientSecret = credential.secret
    else
      auth.clientCertificate = {
        thumbprintSha256: credential.certificate.thumbprintSha256,
        privateKey: credential.certificate.privateKey,
        x5c: credential.certificate.x5c
      }
    const secrets = credential.kind === 'secret' ? [credential.secret] : []
    const cca = new ConfidentialClientApplication({
      auth,
      system: { loggerOptions: msalLogger(options.log, secrets) }
    })
    return { cca, secrets, kind: credential.kind }
  }
  return {
    async getToken(request) {
      app ??= create().catch((err: unknown) => {
        app = undefined
        throw err
      })
      const { cca, secrets, kind } = await app
      try {
        const result = await cca.acquireTokenByClientCredential({
          scopes: [options.scope],
          skipCache: request?.forceRefresh ?? false
        })
        if (!result?.accessToken)
          throw new AuthFailedError(
            'identity-provider',
            `The identity provider returned no access token for environment '${options.envName}'.`
          )
        return result.accessToken
      } catch (err) {
        throw fromMsalError(err, {
          envName: options.envName,
          flow: 'app',
          clientId: options.clientId,
          authority: options.auth.authority,
          secrets,
          credential: kind
        })
      }
    }
  }
}
