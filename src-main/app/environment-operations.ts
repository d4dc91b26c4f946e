import type { EnvironmentConfig } from '../../src-shared/model/environment'
import type { DataverseClient } from '../dataverse/client'
import { AppError } from './errors'
import type { Services } from './services'

/**
 * What adding, signing in to, testing and removing an environment does, for the CLI's `env`
 * commands and the app's Environments screen alike.
 */

export interface CreateOptions {
  /** A client secret for the OS keychain (never stored anywhere else). */
  secret?: string
  /** Runs once the environment is saved (e.g. an interactive sign-in); a failure undoes the add. */
  then?: (environment: EnvironmentConfig) => Promise<EnvironmentConfig>
}

/**
 * Saves an environment, its client secret, and whatever `then` does; if any of it fails the
 * environment and its keychain entries are removed again, so a failed add leaves nothing behind.
 */
export async function createEnvironment(
  services: Services,
  config: Omit<EnvironmentConfig, 'id'>,
  options: CreateOptions = {}
): Promise<EnvironmentConfig> {
  if (services.store.environments.byName(config.name)) {
    throw new AppError(
      'CONFLICT',
      `An environment named '${config.name}' already exists; remove it first or pick another name.`,
      'name'
    )
  }
  // Saved first: secrets and cached tokens are filed under the environment's id.
  let environment = services.store.environments.add(config)
  try {
    if (options.secret) await services.auth.setClientSecret(environment, options.secret)
    if (options.then) environment = await options.then(environment)
  } catch (err) {
    await services.auth.forgetEnvironment(environment).catch(() => undefined)
    services.store.environments.remove(environment.id)
    throw err
  }
  return environment
}

/** Interactive sign-in in the system browser; the account is saved with the environment. */
export async function signInEnvironment(
  services: Services,
  environment: EnvironmentConfig,
  signal?: AbortSignal
): Promise<EnvironmentConfig> {
  const account = await services.auth.signIn(environment, signal ? { signal } : {})
  return services.store.environments.update({ ...environment, account })
}

/** Signs out (an interactive environment forgets its cached tokens; the account name stays). */
export async function signOutEnvironment(
  services: Services,
  environment: EnvironmentConfig
): Promise<EnvironmentConfig> {
  await services.auth.signOut(environment)
  return services.store.environments.byId(environment.id) ?? environment
}

/** Removes the environment, its mirrors and its stored sign-in; the run history stays. */
export async function removeEnvironment(
  services: Services,
  environment: EnvironmentConfig
): Promise<void> {
  await services.auth.forgetEnvironment(environment)
  services.store.environments.remove(environment.id)
}

export interface Connection {
  userId: string
  organizationId: string
  businessUnitId: string
  /** Days Dataverse keeps changes for delta tokens, when it says. */
  retentionDays: number | undefined
}

/** Who we are in the environment, and its change-tracking retention (reference §1.7). */
export async function testConnection(client: DataverseClient): Promise<Connection> {
  const who = await client.metadata.whoAmI()
  const retentionDays = await client.metadata.retentionDays()
  return { ...who, retentionDays }
}
