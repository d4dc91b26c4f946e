import type { TokenSource } from '../dataverse/token-source'
import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { appTokenSource, type AppCredential } from './app-credentials'
import { CacheKeyProvider } from './cache-key'
import { loadCertificate } from './certificate'
import { AuthFolder } from './data-folder'
import { planFor, type SignInPlan } from './environment-plan'
import { AuthFailedError, KeychainUnavailableError } from './errors'
import { commandTokenSource, envTokenSource } from './external-token-sources'
import { signInInteractively, type OpenBrowser } from './interactive-sign-in'
import { KeytarSecretStore } from './keytar-secret-store'
import { fetchSandboxInfo, type SandboxInfo } from './sandbox-info'
import { secretAccounts, type SecretStore } from './secret-store'
import {
  PublicClients,
  findAccount,
  silentUserToken,
  toSignedInAccount,
  type SignedInAccount
} from './user-accounts'

export interface AuthServiceOptions {
  /** The data folder (`--data-dir`); the layer uses `<dataDir>/auth/` only. */
  dataDir: string
  /** The OS keychain by default; tests may pass another SecretStore. */
  secrets?: SecretStore
  /** Electron: `(url) => shell.openExternal(url)`; CLI: `systemBrowserOpener()`. */
  openBrowser?: OpenBrowser
  /** One line per notable event (tamper, MSAL warnings); never a token or secret. */
  log?: (line: string) => void
  /** An abandoned interactive sign-in ends after this long (default 5 minutes). */
  signInTimeoutMs?: number
  /** A token command that runs longer is killed (default 60 s). */
  tokenCommandTimeoutMs?: number
  /** Where DVSYNC_ACCESS_TOKEN and the token command's environment come from. */
  processEnv?: NodeJS.ProcessEnv
  /** How /_sandbox/info is read (default: fetch). */
  sandboxInfo?: (origin: string) => Promise<SandboxInfo>
}

export interface SignInOptions {
  /** Abort = the Cancel button: the pending sign-in ends with SignInCancelledError. */
  signal?: AbortSignal
  openBrowser?: OpenBrowser
  timeoutMs?: number
}

/**
 * The sign-in layer's one entry point for the app (composition root) and the CLI: token sources
 * for the Dataverse client, interactive sign-in and sign-out, and the keychain-held client
 * secrets. Several environments and accounts at once: each environment remembers its account in
 * `env.account` (returned by signIn, saved by the caller with the environment).
 */
export class AuthService {
  private readonly folder: AuthFolder
  private readonly secrets: SecretStore
  private readonly keys: CacheKeyProvider
  private readonly clients: PublicClients
  private readonly log: (line: string) => void
  private readonly sources = new Map<string, { envId: number; source: TokenSource }>()
  private readonly infos = new Map<string, Promise<SandboxInfo>>()

  constructor(private readonly options: AuthServiceOptions) {
    this.folder = new AuthFolder(options.dataDir)
    this.secrets = options.secrets ?? new KeytarSecretStore()
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`))
    this.keys = new CacheKeyProvider(this.secrets, () => this.folder.keychainNamespace(), this.log)
    this.clients = new PublicClients(this.folder, this.keys, this.log)
  }

  /**
   * What the Dataverse client asks for tokens (src-main/dataverse/token-source.ts). Cheap to
   * call: sources are shared per environment configuration. Failures are AuthFailedError
   * subclasses; SignInRequiredError means "call signIn".
   */
  tokenSource(env: EnvironmentConfig): TokenSource {
    const id = fingerprint(env)
    const existing = this.sources.get(id)
    if (existing) return existing.source
    let ready: Promise<TokenSource> | undefined
    const source: TokenSource = {
      getToken: async (request) => {
        ready ??= this.createSource(env).catch((err: unknown) => {
          ready = undefined
          throw err
        })
        return (await ready).getToken(request)
      }
    }
    this.sources.set(id, { envId: env.id, source })
    return source
  }

  /**
   * Interactive sign-in in the system browser (auth code + PKCE, loopback redirect), for
   * 'interactive' environments and sandbox environments that use its public client. Returns the
   * account to save as `env.account`. The keychain is checked before the browser opens.
   */
  async signIn(env: EnvironmentConfig, options: SignInOptions = {}): Promise<SignedInAccount> {
    const plan = await this.plan(env)
    if (plan.kind !== 'user')
      throw new AuthFailedError(
        'configuration',
        `Environment '${env.name}' signs in unattended (${env.authKind}); there is no interactive sign-in for it.`
      )
    await this.keys.get(true)
    const openBrowser = options.openBrowser ?? this.options.openBrowser
    if (!openBrowser)
      throw new AuthFailedError(
        'browser-unavailable',
        'No way to open a browser was configured for interactive sign-in.'
      )
    const result = await signInInteractively(await this.clients.app(plan), {
      scopes: [plan.scope],
      openBrowser,
      timeoutMs: options.timeoutMs ?? this.options.signInTimeoutMs ?? 5 * 60_000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(env.account?.username ? { loginHint: env.account.username } : {}),
      errors: {
        envName: env.name,
        flow: 'user',
        clientId: plan.clientId,
        authority: plan.auth.authority
      }
    })
    if (!result.account)
      throw new AuthFailedError('identity-provider', 'The sign-in returned no account.')
    this.drop(env.id)
    return toSignedInAccount(result.account)
  }

  /**
   * Removes the environment's account and all its tokens from the token cache. Environments
   * that share the account (same app and authority) are signed out with it: the refresh token
   * belongs to the account. Unattended environments have nothing to sign out of.
   */
  async signOut(env: EnvironmentConfig): Promise<void> {
    this.drop(env.id)
    const plan = await this.plan(env)
    if (plan.kind !== 'user' || !env.account) return
    const app = await this.clients.app(plan)
    const account = await findAccount(app, env).catch(() => undefined)
    if (account) await app.getTokenCache().removeAccount(account)
  }

  /** Whether an interactive environment has a cached account (no network call). */
  async isSignedIn(env: EnvironmentConfig): Promise<boolean> {
    const plan = await this.plan(env)
    if (plan.kind !== 'user') return true
    return findAccount(await this.clients.app(plan), env).then(
      () => true,
      () => false
    )
  }

  /** Stores a client secret in the OS keychain (never elsewhere). Trims surrounding blanks. */
  async setClientSecret(
    env: Pick<EnvironmentConfig, 'id' | 'name'>,
    secret: string
  ): Promise<void> {
    const value = secret.trim()
    if (!value)
      throw new AuthFailedError('configuration', `The client secret for '${env.name}' is empty.`)
    await this.secrets.set(await this.secretAccount(env.id), value)
    this.drop(env.id)
  }

  async hasClientSecret(env: Pick<EnvironmentConfig, 'id'>): Promise<boolean> {
    return (await this.secrets.get(await this.secretAccount(env.id))) !== undefined
  }

  /** For `env remove`: sign out and delete the environment's client secret. */
  async forgetEnvironment(env: EnvironmentConfig): Promise<void> {
    await this.signOut(env).catch((err: unknown) =>
      this.log(
        `auth: could not sign '${env.name}' out while removing it: ${(err as Error).message}`
      )
    )
    try {
      await this.secrets.delete(await this.secretAccount(env.id))
    } catch (err) {
      // Without a keychain nothing secret can have been stored, so there is nothing to forget.
      if (!(err instanceof KeychainUnavailableError)) throw err
    }
  }

  /** Throws KeychainUnavailableError (with what to do) when nothing secret can be stored. */
  async checkKeychain(): Promise<void> {
    await this.keys.get(true)
  }

  private async createSource(env: EnvironmentConfig): Promise<TokenSource> {
    const plan = await this.plan(env)
    const base = { envName: env.name, environmentUrl: env.url }
    switch (plan.kind) {
      case 'user':
        return {
          getToken: async (request) =>
            silentUserToken(
              await this.clients.app(plan),
              env,
              plan,
              plan.scope,
              request?.forceRefresh ?? false
            )
        }
      case 'token-command':
        return commandTokenSource({
          ...base,
          command: plan.command,
          timeoutMs: this.options.tokenCommandTimeoutMs ?? 60_000,
          ...(this.options.processEnv ? { env: this.options.processEnv } : {})
        })
      case 'env-token':
        return envTokenSource({
          ...base,
          ...(this.options.processEnv ? { env: this.options.processEnv } : {})
        })
      default:
        return appTokenSource({
          envName: env.name,
          clientId: plan.clientId,
          auth: plan.auth,
          scope: plan.scope,
          log: this.log,
          credential: () => this.appCredential(env, plan)
        })
    }
  }

  private async appCredential(env: EnvironmentConfig, plan: SignInPlan): Promise<AppCredential> {
    if (plan.kind === 'app-demo') return { kind: 'secret', secret: plan.secret }
    if (plan.kind === 'app-certificate')
      return { kind: 'certificate', certificate: await loadCertificate(plan.path, env.name) }
    const secret = await this.secrets.get(await this.secretAccount(env.id))
    if (!secret)
      throw new AuthFailedError(
        'configuration',
        `No client secret for environment '${env.name}' is in the keychain. Store it again: dvsync env add ${env.name} … --auth client-secret --secret-stdin.`
      )
    return { kind: 'secret', secret }
  }

  private plan(env: EnvironmentConfig): Promise<SignInPlan> {
    return planFor(env, (origin) => this.sandboxInfo(origin))
  }

  private sandboxInfo(origin: string): Promise<SandboxInfo> {
    const cached = this.infos.get(origin)
    if (cached) return cached
    const read = (this.options.sandboxInfo ?? ((o: string) => fetchSandboxInfo(o)))(origin)
    this.infos.set(origin, read)
    read.catch(() => this.infos.delete(origin))
    return read
  }

  private async secretAccount(envId: number): Promise<string> {
    return secretAccounts.clientSecret(await this.folder.keychainNamespace(), envId)
  }

  private drop(envId: number): void {
    for (const [id, entry] of this.sources) if (entry.envId === envId) this.sources.delete(id)
  }
}

/** Everything about an environment that changes how it signs in. */
const fingerprint = (env: EnvironmentConfig): string =>
  JSON.stringify([
    env.id,
    env.url,
    env.authKind,
    env.tenantId,
    env.clientId,
    env.authority,
    env.certificatePath,
    env.tokenCommand,
    env.account?.homeAccountId
  ])
