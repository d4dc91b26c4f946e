import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import {
  AUTH_KINDS,
  type AuthKind,
  type EnvironmentConfig
} from '../../../src-shared/model/environment'
import {
  createEnvironment,
  removeEnvironment,
  signInEnvironment,
  signOutEnvironment,
  testConnection
} from '../../app/environment-operations'
import {
  checkEnvironmentName,
  normaliseEnvironmentUrl,
  settingsFor,
  signsInInteractively,
  type SettingsNaming
} from '../../app/environment-settings'
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

/** The CLI's words for the shared settings rules: flags, not form fields. */
const CLI_NAMING: SettingsNaming = {
  field: (field) =>
    ({
      name: 'NAME',
      url: '--url',
      tenantId: '--tenant',
      clientId: '--client-id',
      certificatePath: '--cert',
      tokenCommand: '--command',
      clientSecret: '--secret-stdin'
    })[field],
  kind: (kind) => `--auth ${kind}`
}

function readSecretFromStdin(): string {
  const secret = readFileSync(0, 'utf8').trim()
  if (!secret) throw new CliError('--secret-stdin was given but standard input was empty.')
  return secret
}

/** Checks the flags each sign-in kind needs, naming the missing one. */
function settingsOf(flags: AddFlags): Partial<EnvironmentConfig> {
  const settings = settingsFor(
    {
      authKind: flags.auth,
      tenantId: flags.tenant,
      clientId: flags.clientId,
      certificatePath: flags.cert,
      tokenCommand: flags.command,
      authority: flags.authority
    },
    CLI_NAMING
  )
  if (flags.auth === 'client-secret' && !flags.secretStdin)
    throw new CliError(
      '--auth client-secret needs --secret-stdin: the secret is read from standard input, never from the command line.'
    )
  return settings
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
      checkEnvironmentName(name)
      const url = normaliseEnvironmentUrl(flags.url, flags.auth, CLI_NAMING)
      const settings = settingsOf(flags)
      const secret = flags.secretStdin ? readSecretFromStdin() : undefined
      const services = await context.services()
      const environment = await createEnvironment(
        services,
        { name, url, authKind: flags.auth, ...settings },
        {
          ...(secret ? { secret } : {}),
          then: async (added) =>
            flags.signIn !== false && signsInInteractively(added) ? signIn(context, added) : added
        }
      )
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
      await removeEnvironment(services, environment)
      context.output.result({ removed: name }, () => `Removed environment '${name}'.`)
    })

  env
    .command('sign-in <name>')
    .description('Sign in to an interactive environment in the system browser (Ctrl+C cancels).')
    .action(async (name: string) => {
      const environment = await browserEnvironment(context, name)
      const signedIn = await signIn(context, environment)
      context.output.result(
        { environment: name, account: signedIn.account?.username ?? null },
        () => `Signed in to '${name}' as ${signedIn.account?.username ?? 'an unnamed account'}.`
      )
    })

  env
    .command('sign-out <name>')
    .description(
      'Forget the cached browser sign-in of an environment (its tokens); the environment stays.'
    )
    .action(async (name: string) => {
      const environment = await browserEnvironment(context, name)
      await signOutEnvironment(await context.services(), environment)
      context.output.result(
        { environment: name, signedOut: true },
        () => `Signed out of '${name}'. Sign in again with: dvsync env sign-in ${name}`
      )
    })

  env
    .command('test <name>')
    .description('Sign in and ask Dataverse who we are; shows the change-tracking retention.')
    .action(async (name: string) => {
      const services = await context.services()
      const environment = services.environment(name)
      const client = services.client(environment)
      const started = performance.now()
      let connection
      try {
        connection = await testConnection(client)
      } catch (err) {
        // An expired sign-in is fixed on the spot when someone is at the terminal.
        if (!(err instanceof SignInRequiredError) || !process.stdin.isTTY) throw err
        context.output.info(err.message)
        await signIn(context, environment)
        connection = await testConnection(client)
      }
      const { retentionDays, ...who } = connection
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

/** The environment NAME, when it signs in in a browser (sign-in and sign-out are about that). */
async function browserEnvironment(
  context: CommandContext,
  name: string
): Promise<EnvironmentConfig> {
  const environment = (await context.services()).environment(name)
  if (!signsInInteractively(environment))
    throw new CliError(
      `Environment '${name}' signs in with ${environment.authKind}, not in a browser: it keeps no browser sign-in. Check it with: dvsync env test ${name}`
    )
  return environment
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
    return await signInEnvironment(services, environment, controller.signal)
  } finally {
    process.removeListener('SIGINT', cancel)
  }
}

/** What may be shown of an environment: everything in it (it holds no secret by design). */
function publicView(e: EnvironmentConfig): EnvironmentConfig {
  return { ...e }
}
