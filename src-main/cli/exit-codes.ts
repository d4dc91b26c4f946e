/** Exit codes scripts rely on (shared/design/cli.md): extend, never renumber. */
export const ExitCode = {
  /** Done. */
  Ok: 0,
  /** Done, but some records failed or conflicted; the report says which. */
  PartialFailure: 1,
  /** Bad usage or bad input; nothing was sent. */
  BadInput: 2,
  /** Authentication failed. */
  AuthFailed: 3,
  /** Dataverse unreachable, or refused after retries. */
  Unreachable: 4,
  /** The data folder can't be written (full, read-only); the message names it. Nothing is lost. */
  DataFolder: 5,
  /** A bug in dvsync itself (EX_SOFTWARE); the message includes where it happened. */
  InternalError: 70
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** An error that ends the command with a given exit code and a message for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue = ExitCode.BadInput
  ) {
    super(message)
  }
}
