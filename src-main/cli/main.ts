import { Command, CommanderError } from 'commander'
import { registerSandbox } from './commands/sandbox'
import { CliError, ExitCode } from './exit-codes'
import { createOutput, type Output } from './output'

export interface CommandContext {
  output: Output
  /** --data-dir, DVSYNC_DATA_DIR, or the per-user app-data folder the desktop app uses. */
  dataDir(): string
}

function defaultDataDir(): string {
  const home = process.env['HOME'] ?? process.env['USERPROFILE'] ?? '.'
  if (process.platform === 'win32')
    return `${process.env['APPDATA'] ?? `${home}\\AppData\\Roaming`}\\Dataverse Sync Studio`
  if (process.platform === 'darwin')
    return `${home}/Library/Application Support/Dataverse Sync Studio`
  return `${process.env['XDG_CONFIG_HOME'] ?? `${home}/.config`}/Dataverse Sync Studio`
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
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      writeOut: (s) => process.stdout.write(s)
    })
  const context: CommandContext = {
    output,
    dataDir: () =>
      program.opts<{ dataDir?: string }>().dataDir ??
      process.env['DVSYNC_DATA_DIR'] ??
      defaultDataDir()
  }
  registerSandbox(program, context)
  for (const command of program.commands)
    command.exitOverride().option('--json', 'print one JSON document on stdout')
  try {
    await program.parseAsync(argv, { from: 'user' })
    return ExitCode.Ok
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.exitCode === 0
      )
        return ExitCode.Ok
      return ExitCode.BadInput
    }
    if (err instanceof CliError) {
      output.info(`dvsync: ${err.message}`)
      return err.exitCode
    }
    throw err
  }
}
