import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { DataverseClient } from '../dataverse/client'
import { AuthService, type OpenBrowser } from '../auth/index'
import type { TransportOptions } from '../dataverse/transport'
import { openStore, type Store } from '../store/open'
import { settleInterruptedApplies } from '../sync/apply-interrupted'
import { ApplyEngine } from '../sync/apply'
import { PlanEngine } from '../sync/plan'
import { PullEngine } from '../sync/pull'

/** What the engines and commands use of the sign-in layer (src-main/auth). */
export type TokenProvider = Pick<
  AuthService,
  'tokenSource' | 'signIn' | 'signOut' | 'isSignedIn' | 'setClientSecret' | 'forgetEnvironment'
>

export interface ServiceOptions {
  dataDir: string
  /** The sign-in layer; by default the OS keychain and the given browser opener. */
  auth?: TokenProvider
  openBrowser?: OpenBrowser
  log?: (line: string) => void
  /** Transport settings for every client (timeouts, retries, parallelism cap). */
  transport?: Partial<Omit<TransportOptions, 'environmentUrl' | 'tokens'>>
}

/**
 * The composition root: one store, one client per environment, the engines. The Electron main,
 * the web bridge used by UI tests and the dvsync CLI all build the product from here, so they
 * run the same code (ARCHITECTURE.md, app/).
 */
export interface Services {
  readonly store: Store
  readonly auth: TokenProvider
  environment(name: string): EnvironmentConfig
  client(environment: EnvironmentConfig): DataverseClient
  pullEngine(environment: EnvironmentConfig): PullEngine
  planEngine(environment: EnvironmentConfig): PlanEngine
  applyEngine(environment: EnvironmentConfig): ApplyEngine
  close(): void
}

export class UnknownEnvironmentError extends Error {
  override name = 'UnknownEnvironmentError'
}

export function createServices(options: ServiceOptions): Services {
  const store = openStore(options.dataDir)
  // A push killed mid-run left its run 'running' and its plan 'applying': shown as interrupted
  // and resumable from the first screen or command on. A folder that can't be written now is
  // left as it is; the next apply does this again.
  try {
    settleInterruptedApplies(store)
  } catch {
    // Read-only or full: nothing is lost by leaving the marks for later.
  }
  const auth =
    options.auth ??
    new AuthService({
      dataDir: options.dataDir,
      ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
      ...(options.log ? { log: options.log } : {})
    })
  // One client per environment, replaced when its configuration changes: the app lives long,
  // and a sign-in (a new account) or an edited URL must not keep using the old token source.
  const clients = new Map<number, { config: string; client: DataverseClient }>()
  const client = (environment: EnvironmentConfig): DataverseClient => {
    const config = JSON.stringify(environment)
    const cached = clients.get(environment.id)
    if (cached?.config === config) return cached.client
    const c = new DataverseClient({
      ...options.transport,
      environmentUrl: environment.url,
      tokens: auth.tokenSource(environment)
    })
    clients.set(environment.id, { config, client: c })
    return c
  }
  return {
    store,
    auth,
    environment(name) {
      const found = store.environments.byName(name)
      if (!found) {
        const known = store.environments.list().map((e) => e.name)
        throw new UnknownEnvironmentError(
          `There is no environment named '${name}'.${known.length ? ` Known: ${known.join(', ')}.` : ''} Add one with: dvsync env add ${name} --url URL --auth KIND`
        )
      }
      return found
    },
    client,
    pullEngine: (environment) => new PullEngine({ store, client: client(environment) }),
    planEngine: (environment) => new PlanEngine({ store, client: client(environment) }),
    applyEngine: (environment) => new ApplyEngine({ store, client: client(environment) }),
    close: () => store.close()
  }
}
