import { z } from 'zod'
import type { EventChannel, InvokeChannel } from './channels'

/**
 * The IPC contract between the renderer and the main process: one zod schema for the input and
 * one for the output of every channel, and one for the payload of every event. Handlers and the
 * preload are checked against it, so a channel without a handler does not compile.
 */
export const contract = {
  'app:info': {
    input: z.object({}).strict(),
    output: z.object({ name: z.string(), version: z.string(), platform: z.string() })
  }
} as const satisfies Record<InvokeChannel, { input: z.ZodType; output: z.ZodType }>

export const events = {
  'run:progress': z.object({
    runId: z.string(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
    phase: z.string()
  }),
  'data:changed': z.object({ entities: z.array(z.string()) })
} as const satisfies Record<EventChannel, z.ZodType>

export type Input<C extends InvokeChannel> = z.input<(typeof contract)[C]['input']>
export type Output<C extends InvokeChannel> = z.output<(typeof contract)[C]['output']>
export type EventPayload<E extends EventChannel> = z.output<(typeof events)[E]>

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNREACHABLE'
  | 'FORBIDDEN_SENDER'
  | 'INTERNAL'

/** Replies never throw across IPC: Electron would keep only the message of an Error. */
export type Result<T> =
  { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string } }

/** What the preload exposes as `window.api`, and what the web bridge injects in tests. */
export interface Bridge {
  invoke<C extends InvokeChannel>(channel: C, input: Input<C>): Promise<Result<Output<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
