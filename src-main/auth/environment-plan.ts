import type { EnvironmentConfig } from '../../src-shared/model/environment'
import {
  authorityUrl,
  environmentOrigin,
  msalAuthority,
  sandboxAuthority,
  scopeFor,
  type MsalAuthority
} from './authority'
import { AuthFailedError } from './errors'
import type { SandboxInfo } from './sandbox-info'

/**
 * Microsoft's public client for Dataverse, "preapproved for all Dataverse environments"
 * (reference §9): the default app of interactive environments without --client-id.
 */
export const DATAVERSE_SAMPLE_PUBLIC_CLIENT_ID = '51f81489-12ee-4a9e-aaae-a2591f45987d'

/** How one environment gets its tokens, resolved from its configuration. */
export type SignInPlan =
  | { kind: 'user'; clientId: string; auth: MsalAuthority; scope: string }
  | { kind: 'app-secret'; clientId: string; auth: MsalAuthority; scope: string }
  | { kind: 'app-certificate'; clientId: string; auth: MsalAuthority; scope: string; path: string }
  /** The sandbox's demo app: its published demo secret, used in memory, never stored. */
  | { kind: 'app-demo'; clientId: string; auth: MsalAuthority; scope: string; secret: string }
  | { kind: 'token-command'; command: string }
  | { kind: 'env-token' }

export async function planFor(
  env: EnvironmentConfig,
  sandboxInfo: (origin: string) => Promise<SandboxInfo>
): Promise<SignInPlan> {
  const origin = environmentOrigin(env.url)
  const need = (value: string | undefined, flag: string, what: string): string => {
    if (value?.trim()) return value.trim()
    throw new AuthFailedError(
      'configuration',
      `Environment '${env.name}' (${env.authKind}) needs ${what}: add it with ${flag}.`
    )
  }
  const overrides = (url: string) => msalAuthority(url, sandboxInfo)
  switch (env.authKind) {
    case 'interactive':
      return {
        kind: 'user',
        clientId: env.clientId?.trim() || DATAVERSE_SAMPLE_PUBLIC_CLIENT_ID,
        auth: await overrides(authorityUrl(env, 'user')),
        scope: scopeFor(origin, 'user')
      }
    case 'client-secret':
      return {
        kind: 'app-secret',
        clientId: need(env.clientId, '--client-id', 'the app registration (client) id'),
        auth: await overrides(authorityUrl(env, 'app')),
        scope: scopeFor(origin, 'app')
      }
    case 'certificate':
      return {
        kind: 'app-certificate',
        clientId: need(env.clientId, '--client-id', 'the app registration (client) id'),
        auth: await overrides(authorityUrl(env, 'app')),
        scope: scopeFor(origin, 'app'),
        path: need(env.certificatePath, '--cert FILE', 'the PEM file of its certificate')
      }
    case 'token-command':
      return {
        kind: 'token-command',
        command: need(env.tokenCommand, '--command "CMD"', 'the command that prints a token')
      }
    case 'env-token':
      return { kind: 'env-token' }
    case 'sandbox':
      return sandboxPlan(env, await sandboxInfo(origin), origin)
  }
}

/**
 * The 'sandbox' kind configures itself from /_sandbox/info: client credentials with the demo
 * app by default; interactive with the sandbox's public client when the environment names it
 * as its client id (`env.clientId === info.publicClientId`).
 */
function sandboxPlan(env: EnvironmentConfig, info: SandboxInfo, origin: string): SignInPlan {
  const auth = sandboxAuthority(info)
  const clientId = env.clientId?.trim()
  if (clientId && clientId.toLowerCase() === info.publicClientId.toLowerCase())
    return { kind: 'user', clientId: info.publicClientId, auth, scope: scopeFor(origin, 'user') }
  if (clientId && clientId.toLowerCase() !== info.clientId.toLowerCase())
    throw new AuthFailedError(
      'configuration',
      `Environment '${env.name}' names client id ${clientId}, which the sandbox does not know: leave it empty for the demo app (${info.clientId}), or use ${info.publicClientId} to sign in as a demo user.`
    )
  return {
    kind: 'app-demo',
    clientId: info.clientId,
    auth,
    scope: scopeFor(origin, 'app'),
    secret: info.clientSecret
  }
}
