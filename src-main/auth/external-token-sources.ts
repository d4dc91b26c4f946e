import type { TokenSource } from '../dataverse/token-source'
import { AuthFailedError } from './errors'
import { RENEW_BEFORE_EXPIRY_S, readJwt } from './jwt-shape'
import { runTokenCommand } from './token-command'

/** The variable `--auth env-token` reads at run time (shared/design/cli.md). */
export const ACCESS_TOKEN_VARIABLE = 'DVSYNC_ACCESS_TOKEN'

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

/**
 * `--auth token-command`: the command's token, reused until 300 s before it expires (as MSAL
 * renews, msal-offline.md Q2) so a pull doesn't run `az` once per request; a forced refresh
 * (after a 401) runs the command again. Concurrent requests share one run.
 */
export function commandTokenSource(options: {
  envName: string
  environmentUrl: string
  command: string
  timeoutMs: number
  env?: NodeJS.ProcessEnv
}): TokenSource {
  let current: { token: string; renewAt: number } | undefined
  let running: Promise<string> | undefined
  const fetchToken = async (): Promise<string> => {
    const token = await runTokenCommand(options.command, options)
    const exp = readJwt(token)?.exp
    if (exp !== undefined && exp <= nowSeconds())
      throw new AuthFailedError(
        'token-command',
        `The token command of environment '${options.envName}' printed a token that expired at ${new Date(exp * 1000).toISOString()}. Make it print a fresh token (e.g. run \`az login\` again).`
      )
    // No exp claim: keep it until Dataverse refuses it (the 401 brings a forced refresh).
    current = { token, renewAt: exp === undefined ? Infinity : exp - RENEW_BEFORE_EXPIRY_S }
    return token
  }
  return {
    async getToken(request) {
      if (!request?.forceRefresh && current && nowSeconds() < current.renewAt) return current.token
      running ??= fetchToken().finally(() => (running = undefined))
      return running
    }
  }
}

/**
 * `--auth env-token`: the token in DVSYNC_ACCESS_TOKEN, read at every request (so a wrapper
 * script can replace it); a forced refresh can't make a new one, so the caller's 401 stands.
 */
export function envTokenSource(options: {
  envName: string
  environmentUrl: string
  env?: NodeJS.ProcessEnv
}): TokenSource {
  return {
    getToken() {
      const value = (options.env ?? process.env)[ACCESS_TOKEN_VARIABLE]?.trim()
      const howTo = `e.g. export ${ACCESS_TOKEN_VARIABLE}="$(az account get-access-token --resource ${options.environmentUrl} --query accessToken -o tsv)"`
      if (!value)
        return Promise.reject(
          new AuthFailedError(
            'env-token',
            `Environment '${options.envName}' reads its access token from ${ACCESS_TOKEN_VARIABLE}, which is not set. Set it before running, ${howTo}.`
          )
        )
      const claims = readJwt(value)
      if (!claims)
        return Promise.reject(
          new AuthFailedError(
            'env-token',
            `${ACCESS_TOKEN_VARIABLE} holds ${value.length} characters that are not an access token (expected one JWT: three base64url parts separated by dots). Set it to the token alone, ${howTo}.`
          )
        )
      if (claims.exp !== undefined && claims.exp <= nowSeconds())
        return Promise.reject(
          new AuthFailedError(
            'env-token',
            `The token in ${ACCESS_TOKEN_VARIABLE} expired at ${new Date(claims.exp * 1000).toISOString()}. Set a fresh one, ${howTo}.`
          )
        )
      return Promise.resolve(value)
    }
  }
}
