import { contextBridge, ipcRenderer } from 'electron'
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../../src-shared/channels'

// The renderer gets two functions and nothing else: no ipcRenderer, no Node, no event objects.
const invokable = new Set<string>(INVOKE_CHANNELS)
const listenable = new Set<string>(EVENT_CHANNELS)

contextBridge.exposeInMainWorld('api', {
  invoke: (channel: string, input: unknown) => {
    if (!invokable.has(channel))
      return Promise.reject(new Error(`Unsupported IPC channel '${channel}'`))
    return ipcRenderer.invoke(channel, input)
  },
  on: (event: string, listener: (payload: unknown) => void) => {
    if (!listenable.has(event)) throw new Error(`Unsupported IPC event '${event}'`)
    const wrapped = (_e: unknown, payload: unknown): void => listener(payload)
    ipcRenderer.on(event, wrapped)
    return () => {
      ipcRenderer.removeListener(event, wrapped)
    }
  }
})
