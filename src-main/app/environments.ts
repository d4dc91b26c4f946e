import type { EnvironmentConfig } from '../../src-shared/model/environment'
import type {
  AddEnvironmentInput,
  ConnectionTest,
  EnvironmentView
} from '../../src-shared/schemas/environments'
import { fetchSandboxInfo } from '../auth/index'
import {
  createEnvironment,
  removeEnvironment,
  signInEnvironment,
  signOutEnvironment,
  testConnection
} from './environment-operations'
import {
  APP_NAMING,
  checkEnvironmentName,
  normaliseEnvironmentUrl,
  settingsFor,
  signsInInteractively
} from './environment-settings'
import { AppError } from './errors'
import type { AppEvents } from './events'
import type { SandboxHost } from './sandbox-host'
import type { Services } from './services'

export interface EnvironmentsDeps {
  services: Services
  events: AppEvents
  sandbox: SandboxHost
}

/** The Environments screen's service: add, sign in and out, test, remove. */
export class EnvironmentsService {
  private readonly signIns = new Map<number, AbortController>()

  constructor(private readonly deps: EnvironmentsDeps) {}

  byId(id: number): EnvironmentConfig {
    const environment = this.deps.services.store.environments.byId(id)
    if (!environment)
      throw new AppError(
        'NOT_FOUND',
        `Environment ${id} no longer exists; it may have been removed.`
      )
    return environment
  }

  /**
   * The environment, with the built-in sandbox started first when it is that one, so every
   * screen can use it right after the app starts.
   */
  async ready(id: number): Promise<EnvironmentConfig> {
    const environment = this.byId(id)
    if (this.deps.sandbox.isBuiltIn(environment)) await this.deps.sandbox.ensure()
    return environment
  }

  async list(): Promise<EnvironmentView[]> {
    const all = this.deps.services.store.environments.list()
    if (all.some((e) => this.deps.sandbox.isBuiltIn(e)))
      await this.deps.sandbox.ensure().catch(() => undefined) // shown as the card's problem
    return Promise.all(all.map((e) => this.view(e)))
  }

  async add(input: AddEnvironmentInput): Promise<EnvironmentView> {
    checkEnvironmentName(input.name)
    const url = normaliseEnvironmentUrl(input.url, input.authKind, APP_NAMING)
    const settings = settingsFor(
      {
        authKind: input.authKind,
        ...('tenantId' in input ? { tenantId: input.tenantId || undefined } : {}),
        ...('clientId' in input ? { clientId: input.clientId || undefined } : {}),
        ...('authority' in input ? { authority: input.authority || undefined } : {}),
        ...('certificatePath' in input ? { certificatePath: input.certificatePath } : {}),
        ...('tokenCommand' in input ? { tokenCommand: input.tokenCommand } : {})
      },
      APP_NAMING
    )
    let secret: string | undefined
    if (input.authKind === 'client-secret') {
      secret = input.clientSecret.trim()
      if (!secret)
        throw new AppError(
          'INVALID_INPUT',
          'Client secret sign-in needs the client secret (it is kept in the OS keychain only).',
          'clientSecret'
        )
    }
    if (input.authKind === 'sandbox' && input.signInAsUser)
      settings.clientId = (await fetchSandboxInfo(url)).publicClientId
    const environment = await createEnvironment(
      this.deps.services,
      { name: input.name, url, authKind: input.authKind, ...settings },
      secret ? { secret } : {}
    )
    this.changed()
    return this.view(environment)
  }

  /** The one-click sandbox: start it in-process and add it, signing in as a demo user. */
  async addSandbox(name: string): Promise<EnvironmentView> {
    const existing = this.deps.services.store.environments
      .list()
      .find((e) => this.deps.sandbox.isBuiltIn(e))
    if (existing)
      throw new AppError(
        'CONFLICT',
        `The built-in sandbox is already added as '${existing.name}'.`,
        'name'
      )
    const sandbox = await this.deps.sandbox.ensure()
    const environment = await createEnvironment(this.deps.services, {
      name: checkEnvironmentName(name),
      url: sandbox.url,
      authKind: 'sandbox',
      clientId: sandbox.publicClientId
    })
    this.changed()
    return this.view(environment)
  }

  async remove(id: number): Promise<void> {
    const environment = this.byId(id)
    this.cancelSignIn(id)
    await removeEnvironment(this.deps.services, environment)
    this.deps.events.emit('data:changed', { entities: ['environments', 'tables', 'pulls', 'runs'] })
  }

  /** Interactive sign-in in the system browser; `cancelSignIn` ends it. */
  async signIn(id: number): Promise<EnvironmentView> {
    const environment = await this.ready(id)
    if (!signsInInteractively(environment))
      throw new AppError(
        'PRECONDITION',
        `'${environment.name}' signs in by itself (${environment.authKind}); there is no account to sign in with. Use Test connection to check it.`
      )
    if (this.signIns.has(id))
      throw new AppError(
        'CONFLICT',
        `A sign-in to '${environment.name}' is already waiting for the browser; finish it there or cancel it.`
      )
    const controller = new AbortController()
    this.signIns.set(id, controller)
    try {
      const signedIn = await signInEnvironment(this.deps.services, environment, controller.signal)
      this.changed(id)
      return this.view(signedIn)
    } finally {
      this.signIns.delete(id)
    }
  }

  cancelSignIn(id: number): boolean {
    const controller = this.signIns.get(id)
    controller?.abort()
    return controller !== undefined
  }

  async signOut(id: number): Promise<EnvironmentView> {
    const environment = await this.ready(id)
    const signedOut = await signOutEnvironment(this.deps.services, environment)
    this.changed(id)
    return this.view(signedOut)
  }

  async test(id: number): Promise<ConnectionTest> {
    const environment = await this.ready(id)
    const started = performance.now()
    const connection = await testConnection(this.deps.services.client(environment))
    return {
      userId: connection.userId,
      organizationId: connection.organizationId,
      businessUnitId: connection.businessUnitId,
      retentionDays: connection.retentionDays ?? null,
      durationMs: Math.round(performance.now() - started)
    }
  }

  close(): void {
    for (const controller of this.signIns.values()) controller.abort()
  }

  private changed(environmentId?: number): void {
    this.deps.events.emit('data:changed', {
      entities: ['environments'],
      ...(environmentId ? { environmentId } : {})
    })
  }

  /** What the screens see of an environment: its settings and sign-in state, no secret. */
  private async view(environment: EnvironmentConfig): Promise<EnvironmentView> {
    const user = signsInInteractively(environment)
    const builtInSandbox = this.deps.sandbox.isBuiltIn(environment)
    let signedIn = false
    let problem: string | null = null
    if (builtInSandbox && !this.deps.sandbox.running()) {
      problem = 'The built-in sandbox is not running. Sign in or test the connection to start it.'
    } else {
      try {
        signedIn = await this.deps.services.auth.isSignedIn(environment)
      } catch (err) {
        problem = (err as Error).message
      }
    }
    return {
      id: environment.id,
      name: environment.name,
      url: environment.url,
      authKind: environment.authKind,
      tenantId: environment.tenantId ?? null,
      clientId: environment.clientId ?? null,
      authority: environment.authority ?? null,
      certificatePath: environment.certificatePath ?? null,
      signInStyle: user
        ? 'user'
        : environment.authKind === 'token-command' || environment.authKind === 'env-token'
          ? 'external'
          : 'app',
      account:
        user && environment.account
          ? { username: environment.account.username, name: environment.account.name ?? null }
          : null,
      signedIn: user ? signedIn : problem === null,
      problem,
      builtInSandbox
    }
  }
}
