import type { InvokeChannel } from '../../src-shared/channels'
import { contract, type Output, type ParsedInput, type Result } from '../../src-shared/contract'
import { toIpcError } from './errors'

/** One implementation per contract channel; a missing or extra one is a compile error. */
export type Handlers = {
  [C in InvokeChannel]: (input: ParsedInput<C>) => Promise<Output<C>> | Output<C>
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
  const spec = Object.hasOwn(contract, channel) ? contract[channel] : undefined
  if (!spec)
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `Unknown channel '${String(channel)}'.` }
    }
  const parsed = spec.input.safeParse(rawInput)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const field = issue?.path.length ? issue.path.join('.') : undefined
    return {
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: `Invalid input for ${channel}${field ? ` at '${field}'` : ''}: ${issue?.message ?? 'rejected'}`,
        ...(field ? { field } : {})
      }
    }
  }
  try {
    const value = await handlers[channel](parsed.data as ParsedInput<C>)
    return { ok: true, value }
  } catch (err) {
    return { ok: false, error: toIpcError(err) }
  }
}
