import type { InvokeChannel } from '../../../src-shared/channels'
import type { ErrorCode, Input, Output } from '../../../src-shared/contract'

/** A failed IPC call, with the code and the message the main process gave. */
export class IpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field it is about, for forms. */
    readonly field?: string
  ) {
    super(message)
    this.name = 'IpcError'
  }
}

/** Calls the main process and unwraps the Result envelope, so react-query sees a plain throw. */
export async function call<C extends InvokeChannel>(
  channel: C,
  input: Input<C>
): Promise<Output<C>> {
  const result = await window.api.invoke(channel, input)
  if (!result.ok) throw new IpcError(result.error.code, result.error.message, result.error.field)
  return result.value
}
