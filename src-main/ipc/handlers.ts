import {
  contract,
  type ErrorCode,
  type Input,
  type Output,
  type Result
} from '../../src-shared/contract'
import type { InvokeChannel } from '../../src-shared/channels'

/** One implementation per contract channel; a missing or extra one is a compile error. */
export type Handlers = { [C in InvokeChannel]: (input: Input<C>) => Promise<Output<C>> | Output<C> }

/** An error a service throws on purpose, with the code the renderer shows it by. */
export class ServiceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string
  ) {
    super(message)
  }
}

/**
 * Validates the input of a call, runs the handler, and wraps what happens in a Result envelope:
 * the one place where IPC input is checked, for the Electron main and the web bridge alike.
 */
export async function dispatch<C extends InvokeChannel>(
  handlers: Handlers,
  channel: C,
  rawInput: unknown
): Promise<Result<Output<C>>> {
  const spec = contract[channel]
  if (!spec)
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `Unknown channel '${String(channel)}'.` }
    }
  const parsed = spec.input.safeParse(rawInput)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at '${issue.path.join('.')}'` : ''
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `Invalid input for ${channel}${where}: ${issue?.message ?? 'rejected'}`
      }
    }
  }
  try {
    const value = await handlers[channel](parsed.data as Input<C>)
    return { ok: true, value }
  } catch (err) {
    if (err instanceof ServiceError)
      return { ok: false, error: { code: err.code, message: err.message } }
    return {
      ok: false,
      error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
    }
  }
}

export interface AppInfo {
  name: string
  version: string
  platform: string
}

export function createHandlers(deps: { appInfo: AppInfo }): Handlers {
  return {
    'app:info': () => deps.appInfo
  }
}
