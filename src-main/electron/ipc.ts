import { EVENT_CHANNELS, INVOKE_CHANNELS, type EventChannel } from '../../src-shared/channels'
import type { EventPayload, Result } from '../../src-shared/contract'
import type { AppEvents } from '../app/events'
import { dispatch, type Handlers } from '../ipc/handlers'

/** The part of an invoke event the sender check reads (Electron's IpcMainInvokeEvent). */
export interface InvokeEventLike {
  sender: { id: number }
  senderFrame: { url: string; parent: unknown } | null
}

/** What of ipcMain is used: one `handle` per channel (a fake records them in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, input: unknown) => unknown): void
}

export interface WebContentsLike {
  id: number
  isDestroyed(): boolean
  send(channel: string, payload: unknown): void
}

export const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'FORBIDDEN_SENDER', message: 'IPC from an untrusted frame is refused.' }
}

/**
 * Registers every contract channel with one `handle()`: the sender is checked first (our
 * window's own top-level frame on the app's URL), then dispatch() validates the input, calls the
 * handler and wraps the outcome. Anything else (a navigated or embedded frame, another
 * webContents) is refused before its input is even parsed.
 */
export function registerIpc(
  ipc: IpcMainLike,
  handlers: Handlers,
  trusted: { webContentsId(): number | undefined; isAppUrl(url: string): boolean }
): void {
  for (const channel of INVOKE_CHANNELS) {
    ipc.handle(channel, (event, input) => {
      const frame = event.senderFrame
      if (
        event.sender.id !== trusted.webContentsId() ||
        !frame ||
        frame.parent !== null ||
        !trusted.isAppUrl(frame.url)
      )
        return FORBIDDEN
      return dispatch(handlers, channel, input)
    })
  }
}

const eventNames = new Set<string>(EVENT_CHANNELS)

/** Sends an event to the window, if it is still there (it may close while a pull runs). */
export function sendEvent<E extends EventChannel>(
  target: WebContentsLike | undefined,
  event: E,
  payload: EventPayload<E>
): void {
  if (!eventNames.has(event) || !target || target.isDestroyed()) return
  target.send(event, payload)
}

/** Forwards the services' events to whatever window is current. */
export function forwardEvents(
  events: AppEvents,
  target: () => WebContentsLike | undefined
): () => void {
  return events.subscribe((event, payload) => sendEvent(target(), event, payload))
}
