import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import {
  AUTH_KINDS,
  type AuthKind,
  type EnvironmentConfig
} from '../../../src-shared/model/environment'
import { SignInRequiredError } from '../../auth/index'
import { CliError } from '../exit-codes'
import { plural, textTable } from '../format'
import type { CommandContext } from '../main'

interface AddFlags {
  url: string
  auth: AuthKind
  tenant?: string
  clientId?: string
  secretStdin?: boolean
  cert?: string
  command?: string
  authority?: string
  /** false with --no-sign-in */
  signIn?: boolean
}

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

/** The environment URL, checked: https, or http on the loopback for the built-in sandbox. */
function environmentUrl(text: string, kind: AuthKind): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CliError(
      `--url '${text}' is not a URL; give the environment URL, e.g. https://contoso.crm.dynamics.com`
    )
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost'
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new CliError(`--url must use https (http only for a local sandbox), got '${text}'.`)
  }
  if (kind === 'sandbox' && !loopback)
    throw new CliError('--auth sandbox is for the built-in sandbox on 127.0.0.1.')
  if (url.pathname !== '/' || url.search) {
    throw new CliError(
      `--url is the environment URL without a path (e.g. ${url.origin}), not '${text}'.`
    )
  }
  return url.origin
}

function readSecretFromStdin(): string {
  const secret = readFileSync(0, 'utf8').trim()
  if (!secret) throw new CliError('--secret-stdin was given but standard input was empty.')
  return secret
}

/** Checks the flags each sign-in kind needs, naming the missing one. */
function settingsFor(flags: AddFlags): Partial<EnvironmentConfig> {
  const need = (value: string | undefined, flag: string, why: string): string => {
    if (!value) throw new CliError(`--auth ${flags.auth} needs ${flag} (${why}).`)
    return value
  }
  const guid = (value: string | undefined, flag: string): string | undefined => {
    if (value !== undefined && !GUID.test(value))
      throw new CliError(`${flag} must be a GUID, got '${value}'.`)
    return value
  }
  const out: Partial<EnvironmentConfig> = {}
  if (flags.authority) out.authority = flags.authority
  if (guid(flags.tenant, '--tenant')) out.tenantId = flags.tenant!
  if (guid(flags.clientId, '--client-id')) out.clientId = flags.clientId!
  switch (flags.auth) {
    case 'client-secret':
      need(flags.tenant, '--tenant', 'the directory of the app registration')
      need(flags.clientId, '--client-id', 'the app registration')
      if (!flags.secretStdin)
        throw new CliError(
          '--auth client-secret needs --secret-stdin: the secret is read from standard input, never from the command line.'
        )
      break
    case 'certificate':
      need(flags.tenant, '--tenant', 'the directory of the app registration')
      need(flags.clientId, '--client-id', 'the app registration')
      out.certificatePath = need(
        flags.cert,
        '--cert',
        'a PEM file with the private key and certificate'
      )
      break
    case 'token-command':
      out.tokenCommand = need(
        flags.command,
        '--command',
        'e.g. "az account get-access-token --resource URL --query accessToken -o tsv"'
      )
      break
    default:
      break
  }
  return out
}

export function registerEnv(program: Command, context: CommandContext): void {
  const env = program
    .command('env')
    .description('Add, list, test and remove Dataverse environments.')

  env
    .command('add <name>')
    .description('Add an environment and how to sign in to it. Secrets go to the OS keychain.')
    .requiredOption('--url <url>', 'environment URL, e.g. https://contoso.crm.dynamics.com')
    .requiredOption('--auth <kind>', `sign-in kind: ${AUTH_KINDS.join(', ')}`, (v: string) => {
      if (!(AUTH_KINDS as readonly string[]).includes(v))
        throw new CliError(`--auth must be one of ${AUTH_KINDS.join(', ')} (got '${v}').`)
      return v
    })
    .option('--tenant <id>', 'directory (tenant) id')
    .option('--client-id <id>', 'app registration (client) id')
    .option('--secret-stdin', 'read the client secret from standard input')
    .option('--cert <file>', 'PEM file with the certificate and its private key')
    .option('--command <cmd>', 'command that prints an access token (token-command)')
    .option('--authority <url>', 'authority for national clouds or a custom identity provider')
    .option('--no-sign-in', 'interactive kinds: add now, sign in later with dvsync env sign-in')
    .action(async (name: string, flags: AddFlags) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
        throw new CliError(
          `Environment name '${name}' must be 1–64 letters, digits, '.', '_' or '-'.`
        )
      }
      const url = environmentUrl(flags.url, flags.auth)
      const settings = settingsFor(flags)
      const secret = flags.secretStdin ? readSecretFromStdin() : undefined
      const services = await context.services()
      if (services.store.environments.byName(name)) {
        throw new CliError(
          `An environment named '${name}' already exists; remove it first or pick another name.`
        )
      }
      // Saved first: secrets and cached tokens are filed under the environment's id.
      let environment = services.store.environments.add({
        name,
        url,
        authKind: flags.auth,
        ...settings
      })
      try {
        if (secret) await services.auth.setClientSecret(environment, secret)
        if (flags.signIn !== false && signsInInteractively(environment))
          environment = await signIn(context, environment)
      } catch (err) {
        await services.auth.forgetEnvironment(environment).catch(() => undefined)
        services.store.environments.remove(environment.id)
        throw err
      }
      const account = environment.account ? `, signed in as ${environment.account.username}` : ''
      context.output.result(
        publicView(environment),
        () =>
          `Added environment '${name}' (${flags.auth}) for ${url}${account}. Check it with: dvsync env test ${name}`
      )
    })

  env
    .command('list')
    .description('The environments, with how they sign in.')
    .action(async () => {
      const services = await context.services()
      const list = services.store.environments.list()
      context.output.result({ environments: list.map(publicView) }, () =>
        list.length
          ? textTable(
              ['name', 'url', 'sign-in', 'account'],
              list.map((e) => [e.name, e.url, e.authKind, e.account?.username ?? ''])
            )
          : 'No environments yet. Add one with: dvsync env add NAME --url URL --auth KIND'
      )
    })

  env
    .command('remove <name>')
    .description('Remove an environment, its mirrors and its stored sign-in (run history is kept).')
    .action(async (name: string) => {
      const services = await context.services()
      const environment = services.environment(name)
      await services.auth.forgetEnvironment(environment)
      services.store.environments.remove(environment.id)
      context.output.result({ removed: name }, () => `Removed environment '${name}'.`)
    })

  env
    .command('test <name>')
    .description('Sign in and ask Dataverse who we are; shows the change-tracking retention.')
    .action(async (name: string) => {
      const services = await context.services()
      const environment = services.environment(name)
      const client = services.client(environment)
      const started = performance.now()
      let who
      try {
        who = await client.metadata.whoAmI()
      } catch (err) {
        // An expired sign-in is fixed on the spot when someone is at the terminal.
        if (!(err instanceof SignInRequiredError) || !process.stdin.isTTY) throw err
        context.output.info(err.message)
        await signIn(context, environment)
        who = await client.metadata.whoAmI()
      }
      const retentionDays = await client.metadata.retentionDays()
      const result = {
        environment: name,
        url: environment.url,
        ...who,
        retentionDays: retentionDays ?? null,
        durationMs: Math.round(performance.now() - started)
      }
      context.output.result(result, () =>
        [
          `Connected to ${environment.url} as user ${who.userId} (organisation ${who.organizationId}).`,
          retentionDays !== undefined
            ? `Change tracking keeps changes for ${plural(retentionDays, 'day')}: pull at least that often to avoid full resyncs.`
            : ''
        ]
          .filter(Boolean)
          .join('\n')
      )
    })
}

function signsInInteractively(environment: EnvironmentConfig): boolean {
  return (
    environment.authKind === 'interactive' ||
    (environment.authKind === 'sandbox' && environment.clientId !== undefined)
  )
}

/** Interactive sign-in in the system browser; Ctrl+C cancels it cleanly. */
async function signIn(
  context: CommandContext,
  environment: EnvironmentConfig
): Promise<EnvironmentConfig> {
  const services = await context.services()
  const controller = new AbortController()
  const cancel = (): void => controller.abort()
  process.once('SIGINT', cancel)
  try {
    context.output.info(`Signing in to ${environment.url} in your browser…`)
    const account = await services.auth.signIn(environment, { signal: controller.signal })
    return services.store.environments.update({ ...environment, account })
  } finally {
    process.removeListener('SIGINT', cancel)
  }
}

/** What may be shown of an environment: everything in it (it holds no secret by design). */
function publicView(e: EnvironmentConfig): EnvironmentConfig {
  return { ...e }
}
