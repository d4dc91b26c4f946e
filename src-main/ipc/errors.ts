import type { ErrorCode, IpcError } from '../../src-shared/contract'
import { AppError } from '../app/errors'
import { UnknownEnvironmentError } from '../app/services'
import {
  AuthenticationError,
  CancelledError,
  DataverseError,
  ProtocolError,
  UnknownTableError,
  UnreachableError
} from '../dataverse/errors'
import { AuthFailedError } from '../auth/index'
import { HistoryError } from '../history/index'
import { PdfPrinterUnavailableError, ReportFormatError, UnknownRunError } from '../reports/index'
import { SourceError } from '../sources/index'
import { ColumnSelectionError } from '../sync/columns'
import { MappingError } from '../sync/mapping'
import { SettingsError } from '../sync/push-settings'
import { UndoError } from '../sync/undo'
import { StorageError } from '../store/errors'
import { DuplicateNameError } from '../store/repositories/environments'
import { RunBusyError } from '../store/run-lock'

/** An error a handler raises on purpose, with the code the renderer shows it by. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
  }
}

/**
 * How a failure crosses IPC: the code the renderer acts on and the message it shows. The
 * services' messages already say what to do, and never hold a token or a secret (the sign-in
 * layer redacts what it quotes); an unexpected error keeps its message, never its stack.
 */
export function toIpcError(err: unknown): IpcError {
  const as = (code: ErrorCode, field?: string): IpcError => ({
    code,
    message: err instanceof Error ? err.message : String(err),
    ...(field ? { field } : {})
  })
  if (err instanceof ServiceError) return as(err.code)
  if (err instanceof AppError) return as(err.code, err.field)
  if (err instanceof AuthFailedError) {
    if (err.code === 'sign-in-cancelled') return as('CANCELLED')
    if (err.code === 'configuration') return as('INVALID_INPUT')
    return as('UNAUTHENTICATED')
  }
  if (err instanceof AuthenticationError) return as('UNAUTHENTICATED')
  if (err instanceof UnknownTableError) return as('NOT_FOUND')
  if (err instanceof DataverseError) {
    if (err.status === 401) return as('UNAUTHENTICATED')
    if (err.status === 404) return as('NOT_FOUND')
    return as('DATAVERSE')
  }
  if (err instanceof UnreachableError) return as('UNREACHABLE')
  if (err instanceof ProtocolError) return as('DATAVERSE')
  if (err instanceof CancelledError) return as('CANCELLED')
  if (err instanceof UnknownEnvironmentError) return as('NOT_FOUND')
  if (err instanceof ColumnSelectionError) return as('INVALID_INPUT')
  if (err instanceof DuplicateNameError) return as('CONFLICT', 'name')
  // The engines' refusals of what they were given: bad settings, files, history filters.
  if (
    err instanceof MappingError ||
    err instanceof SettingsError ||
    err instanceof SourceError ||
    err instanceof HistoryError ||
    err instanceof ReportFormatError
  )
    return as('INVALID_INPUT')
  if (err instanceof UnknownRunError) return as('NOT_FOUND')
  // Another process (a scheduled dvsync) pulls or applies the same thing; the message names it.
  if (err instanceof RunBusyError) return as('CONFLICT')
  // A full or read-only data folder: the message names the folder and what to do.
  if (err instanceof StorageError) return as('PRECONDITION')
  if (err instanceof UndoError || err instanceof PdfPrinterUnavailableError)
    return as('PRECONDITION')
  return as('INTERNAL')
}
