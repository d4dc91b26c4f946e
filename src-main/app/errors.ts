/**
 * An error a service raises on purpose, with the code the app shows it by and, for forms, the
 * input field it is about. The CLI turns these into its own exit codes; the IPC layer sends the
 * code and message as they are (src-main/ipc/errors.ts).
 */
export type AppErrorCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'PRECONDITION' | 'CANCELLED'

export class AppError extends Error {
  override name = 'AppError'
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string
  ) {
    super(message)
  }
}
