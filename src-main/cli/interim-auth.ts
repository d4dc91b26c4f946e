import type { TokenProvider } from '../app/services'
import { AuthenticationError } from '../dataverse/errors'

/**
 * Stand-in until the sign-in layer (src-main/auth, issue 4) is wired: the sandbox's demo app
 * via client credentials, and DVSYNC_ACCESS_TOKEN. Other kinds say they are not wired yet.
 */
export function interimAuth(): TokenProvider {
  return {
    tokenSource(environment) {
      return {
        async getToken() {
          if (environment.authKind === 'env-token') {
            const token = process.env['DVSYNC_ACCESS_TOKEN']?.trim()
            if (!token)
              throw new AuthenticationError(
                'DVSYNC_ACCESS_TOKEN is not set; export a bearer token for the environment first.'
              )
            return token
          }
          if (environment.authKind === 'sandbox') {
            const info = (await (await fetch(`${environment.url}/_sandbox/info`)).json()) as Record<
              string,
              string
            >
            const response = await fetch(info['tokenEndpoint']!, {
              method: 'POST',
              body: new URLSearchParams({
                grant_type: 'client_credentials',
                client_id: info['clientId']!,
                client_secret: info['clientSecret']!,
                scope: `${environment.url}/.default`
              })
            })
            const body = (await response.json()) as {
              access_token?: string
              error_description?: string
            }
            if (!body.access_token)
              throw new AuthenticationError(
                `The sandbox refused the demo app: ${body.error_description}`
              )
            return body.access_token
          }
          throw new AuthenticationError(`Sign-in kind '${environment.authKind}' is not wired yet.`)
        }
      }
    },
    async saveClientSecret() {
      throw new AuthenticationError('Storing client secrets is not wired yet.')
    },
    async forget() {}
  }
}
