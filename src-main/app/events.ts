import type { EventChannel } from '../../src-shared/channels'
import type { EventPayload } from '../../src-shared/contract'

export type AppEventListener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void

/**
 * What the services tell the front end without being asked: run progress and "this data
 * changed". The Electron main forwards it to the window, the web bridge to its sockets; the
 * services know neither.
 */
export class AppEvents {
  private readonly listeners = new Set<AppEventListener>()

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload)
      } catch {
        // A closed window or socket must not stop the others, nor the engine that emitted.
      }
    }
  }

  subscribe(listener: AppEventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
