import { PublicClientApplication, type AccountInfo } from '@azure/msal-node'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type { EnvironmentConfig } from '../../src-shared/model/environment'
import type { MsalAuthority } from './authority'
import type { CacheKeyProvider } from './cache-key'
import type { AuthFolder } from './data-folder'
import { EncryptedCachePlugin } from './encrypted-cache-plugin'
import { SignInRequiredError } from './errors'
import { fromMsalError } from './msal-errors'
import { msalLogger } from './msal-logger'

/** What an environment remembers about its user after sign-in (`env.account`). */
export type SignedInAccount = NonNullable<EnvironmentConfig['account']>

export interface UserClient {
  clientId: string
  auth: MsalAuthority
}

/**
 * One PublicClientApplication per (client id, authority), each with its own encrypted cache file
 * `<data dir>/auth/token-cache-<hash>.json`. Environments that share both share the app and
 * therefore the account and its refresh token (Entra's tokens are per account, not per
 * resource), which is what lets a second environment in the same tenant sign in silently.
 */
export class PublicClients {
  private readonly apps = new Map<string, PublicClientApplication>()

  constructor(
    private readonly folder: AuthFolder,
    private readonly keys: CacheKeyProvider,
    private readonly log: (line: string) => void
  ) {}

  async app(client: UserClient): Promise<PublicClientApplication> {
    const id = `${client.clientId.toLowerCase()}\n${client.auth.authority.toLowerCase()}`
    const existing = this.apps.get(id)
    if (existing) return existing
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 16)
    const file = join(await this.folder.ensure(), `token-cache-${hash}.json`)
    const app = new PublicClientApplication({
      auth: { clientId: client.clientId, ...client.auth },
      cache: { cachePlugin: new EncryptedCachePlugin(file, this.keys, this.log) },
      system: { loggerOptions: msalLogger(this.log) }
    })
    this.apps.set(id, app)
    return app
  }
}

export const toSignedInAccount = (account: AccountInfo): SignedInAccount => ({
  username: account.username,
  homeAccountId: account.homeAccountId,
  ...(account.name ? { name: account.name } : {})
})

/** The cached MSAL account an environment remembers, or a "sign in" error. */
export async function findAccount(
  app: PublicClientApplication,
  env: Pick<EnvironmentConfig, 'name' | 'account'>
): Promise<AccountInfo> {
  if (!env.account)
    throw new SignInRequiredError(
      `Environment '${env.name}' has no signed-in account yet. Sign in to it first.`
    )
  const account = await app.getTokenCache().getAccountByHomeId(env.account.homeAccountId)
  if (!account)
    throw new SignInRequiredError(
      `The sign-in of ${env.account.username} for environment '${env.name}' is not in the token cache (signed out, or the cache was reset). Sign in again.`
    )
  return account
}

/**
 * A user's access token from the cache, refreshed with the refresh token when it is within 300 s
 * of expiry or when forced (msal-offline.md Q2). A rejected refresh token becomes
 * SignInRequiredError, the signal to sign in interactively again.
 */
export async function silentUserToken(
  app: PublicClientApplication,
  env: Pick<EnvironmentConfig, 'name' | 'account'>,
  client: UserClient,
  scope: string,
  forceRefresh: boolean
): Promise<string> {
  const account = await findAccount(app, env)
  try {
    const result = await app.acquireTokenSilent({ account, scopes: [scope], forceRefresh })
    return result.accessToken
  } catch (err) {
    throw fromMsalError(err, {
      envName: env.name,
      flow: 'user',
      clientId: client.clientId,
      authority: client.auth.authority
    })
  }
}
