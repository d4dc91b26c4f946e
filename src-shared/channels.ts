/**
 * Names of the IPC channels and events, with no dependencies, so the sandboxed preload can
 * allow-list them without bundling the schemas. `contract.ts` checks that every name here has
 * a schema and no schema lacks a name.
 */
export const INVOKE_CHANNELS = ['app:info'] as const
export const EVENT_CHANNELS = ['run:progress', 'data:changed'] as const

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]
