import { resolve } from 'node:path'
import { Command, CommanderError } from 'commander'
import type { Services } from '../app/services'
import { registerDemo } from './commands/demo'
import { registerEnv } from './commands/env'
import { registerMetadata } from './commands/metadata'
import { registerPull } from './commands/pull'
import { registerProfile } from './commands/profile'
import { registerPush } from './commands/push'
import { registerReport } from './commands/report'
import { registerRuns } from './commands/runs'
import { registerUndo } from './commands/undo'
import { registerSandbox } from './commands/sandbox'
import { describeError, exitCodeFor } from './errors'
import { ExitCode, type ExitCodeValue } from './exit-codes'
import { createOutput, type Output } from './output'
import { openCliServices } from './services'
import { busyError } from '../store/busy'
import { storageError } from '../store/errors'
import packageJson from '../../package.json'

export interface CommandContext {
  output: Output
  /** --data-dir, DVSYNC_DATA_DIR, or the per-user app-data folder the desktop app uses. */
  dataDir(): string
  /** The product's services on the data folder, opened on first use. */
  services(): Promise<Services>
  /** For a command that finished but with records that failed (exit code 1). */
  setExitCode(code: ExitCodeValue): void
}

function defaultDataDir(): string {
  const home = process.env['HOME'] ?? process.env['USERPROFILE'] ?? '.'
  if (process.platform === 'win32') {
    return `${process.env['APPDATA'] ?? `${home}\\AppData\\Roaming`}\\Dataverse Sync Studio`
  }
  if (process.platform === 'darwin')
    return `${home}/Library/Application Support/Dataverse Sync Studio`
  return `${process.env['XDG_CONFIG_HOME'] ?? `${home}/.config`}/Dataverse Sync Studio`
}

function optionValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1]
    if (argv[i]!.startsWith(`${name}=`)) return argv[i]!.slice(name.length + 1)
  }
  return undefined
}

/** Every command, sub-command included, so each gets --json and exit-code handling. */
const allCommands = (c: Command): Command[] => [c, ...c.commands.flatMap(allCommands)]

/** The environment a command is about, for hints: --env, or NAME of `env test|sign-in|… NAME`. */
function environmentNameOf(argv: readonly string[]): string | undefined {
  const flag = optionValue(argv, '--env')
  if (flag !== undefined) return flag
  const at = argv.indexOf('env')
  const name = at >= 0 ? argv[at + 2] : undefined
  return name !== undefined && !name.startsWith('-') ? name : undefined
}

/** Runs `dvsync` with the given arguments and returns the exit code (shared/design/cli.md). */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  const output = createOutput(json)
  const program = new Command('dvsync')
  program
    .description(
      'Dataverse Sync Studio from the command line: change-tracking pulls, previewed upserts, reports.'
    )
    .option('--json', 'print one JSON document on stdout; progress goes to stderr')
    .option(
      '--data-dir <dir>',
      'data folder (default: DVSYNC_DATA_DIR or the desktop app’s folder)'
    )
    // Scheduled jobs log which dvsync ran them; the version is bundled in, not read at run time.
    .version(packageJson.version, '-V, --version', 'print the dvsync version')
    .showHelpAfterError()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s)
    })
  let services: Services | undefined
  let exitCode: ExitCodeValue = ExitCode.Ok
  const context: CommandContext = {
    setExitCode: (code) => {
      exitCode = code
    },
    output,
    // --data-dir is accepted before or after the command name, so it is read from argv itself.
    dataDir: () =>
      optionValue(argv, '--data-dir') ?? process.env['DVSYNC_DATA_DIR'] ?? defaultDataDir(),
    services: async () => (services ??= await openCliServices(context.dataDir(), output))
  }
  registerSandbox(program, context)
  registerDemo(program, context)
  registerEnv(program, context)
  registerMetadata(program, context)
  registerPull(program, context)
  registerPush(program, context)
  registerProfile(program, context)
  registerRuns(program, context)
  registerReport(program, context)
  registerUndo(program, context)
  for (const command of allCommands(program)) {
    command.exitOverride()
    if (command !== program && command.commands.length === 0) {
      command.option('--json', 'print one JSON document on stdout; progress goes to stderr')
      command.option(
        '--data-dir <dir>',
        'data folder (default: DVSYNC_DATA_DIR or the desktop app’s folder)'
      )
    }
  }
  try {
    await program.parseAsync(argv, { from: 'user' })
    return exitCode
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.exitCode === 0
      ) {
        return ExitCode.Ok
      }
      // Commander has said what was wrong on stderr; a script reading stdout gets it too.
      if (json) {
        const message = err.message.replace(/^error: /, '')
        process.stdout.write(
          `${JSON.stringify({ error: { exitCode: ExitCode.BadInput, message } })}\n`
        )
      }
      return ExitCode.BadInput
    }
    // Any command can meet a full, read-only or busy data folder: say so, naming it (and, when
    // another process kept it locked past the busy timeout, what runs there: exit 2).
    const folder = resolve(context.dataDir())
    const failure = busyError(err, folder) ?? storageError(err, folder) ?? err
    const code = exitCodeFor(failure)
    const message = describeError(failure, { env: environmentNameOf(argv) })
    output.info(`dvsync: ${message}`)
    if (json) process.stdout.write(`${JSON.stringify({ error: { exitCode: code, message } })}\n`)
    return code
  } finally {
    services?.close()
  }
}
