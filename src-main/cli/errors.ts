import {
  AuthenticationError,
  DataverseError,
  ProtocolError,
  UnreachableError,
  CancelledError,
  UnknownTableError
} from '../dataverse/errors'
import { AppError } from '../app/errors'
import { AuthFailedError, SignInRequiredError } from '../auth/index'
import { UnknownEnvironmentError } from '../app/services'
import { ColumnSelectionError } from '../sync/columns'
import { SourceError } from '../sources/index'
import { StorageError } from '../store/errors'
import { RunBusyError } from '../store/run-lock'
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes'

/** The exit code scripts get for an error (shared/design/cli.md). */
export function exitCodeFor(err: unknown): ExitCodeValue {
  if (err instanceof CliError) return err.exitCode
  if (err instanceof StorageError) return ExitCode.DataFolder
  // Another instance is doing it: nothing was sent; like a refused request, try again later.
  if (err instanceof RunBusyError) return ExitCode.BadInput
  // The shared services' refusals (bad settings, a name in use, tracking not allowed…).
  if (err instanceof AppError)
    return err.code === 'CANCELLED' ? ExitCode.PartialFailure : ExitCode.BadInput
  // An identity provider that can't be reached is an outage, not a refused sign-in.
  if (err instanceof AuthFailedError && err.code === 'unreachable') return ExitCode.Unreachable
  if (err instanceof AuthenticationError) return ExitCode.AuthFailed
  if (err instanceof DataverseError) {
    if (err.status === 401 || err.status === 403) return ExitCode.AuthFailed
    // A 4xx is Dataverse refusing what it was asked (a column that doesn't exist, a key name in
    // use): asking again won't help, so it is bad input, not 'unreachable'. 5xx left after the
    // retries (and 429s, which end as UnreachableError) are 4.
    return err.status >= 400 && err.status < 500 ? ExitCode.BadInput : ExitCode.Unreachable
  }
  if (err instanceof UnreachableError || err instanceof ProtocolError) return ExitCode.Unreachable
  if (
    err instanceof UnknownEnvironmentError ||
    err instanceof UnknownTableError ||
    err instanceof ColumnSelectionError ||
    // A source file that is missing or can't be read: the message says what to fix.
    err instanceof SourceError
  ) {
    return ExitCode.BadInput
  }
  if (err instanceof CancelledError) return ExitCode.PartialFailure
  return ExitCode.InternalError
}

/** Errors the user can act on print their message; anything else is a bug and shows its stack. */
export function describeError(err: unknown, context: { env?: string | undefined } = {}): string {
  if (err instanceof UnknownTableError)
    return `${err.message} List the tables with: dvsync tables --env ${context.env ?? 'NAME'}`
  if (err instanceof StorageError || err instanceof RunBusyError) return err.message
  // A scheduled job that lost its sign-in: say how to get it back without opening the app.
  if (err instanceof SignInRequiredError)
    return `${err.message} Sign in with: dvsync env sign-in ${context.env ?? 'NAME'}`
  if (
    err instanceof CliError ||
    err instanceof AppError ||
    err instanceof AuthenticationError ||
    err instanceof DataverseError ||
    err instanceof UnreachableError ||
    err instanceof ProtocolError ||
    err instanceof UnknownEnvironmentError ||
    err instanceof ColumnSelectionError ||
    err instanceof CancelledError ||
    err instanceof SourceError
  ) {
    return err.message
  }
  return err instanceof Error ? (err.stack ?? err.message) : String(err)
}
