/**
 * Names of the IPC channels and events, with no dependencies, so the sandboxed preload can
 * allow-list them without bundling the schemas. `contract.ts` checks that every name here has
 * a schema and no schema lacks a name. Names are `<domain>:<verb>`.
 */
export const INVOKE_CHANNELS = [
  'app:info',
  'environments:list',
  'environments:add',
  'environments:addSandbox',
  'environments:remove',
  'environments:signIn',
  'environments:cancelSignIn',
  'environments:signOut',
  'environments:test',
  'tables:list',
  'tables:get',
  'tables:enableTracking',
  'keys:list',
  'keys:create',
  'keys:delete',
  'keys:reactivate',
  'keys:duplicates',
  'pulls:start',
  'pulls:cancel',
  'pulls:active',
  'pulls:list',
  'pulls:changes',
  'pulls:export',
  'runs:list',
  'runs:get',
  'runs:items',
  'runs:trend',
  'runs:compare',
  'runs:report',
  'runs:prune',
  'profiles:list',
  'profiles:get',
  'profiles:save',
  'profiles:remove',
  'profiles:export',
  'profiles:import',
  'sources:pick',
  'sources:inspect',
  'mapping:suggest',
  'mapping:validate',
  'plans:create',
  'plans:cancel',
  'plans:list',
  'plans:get',
  'plans:items',
  'plans:exclude',
  'plans:export',
  'apply:start',
  'apply:pause',
  'apply:resume',
  'apply:cancel',
  'apply:active',
  'undo:plan'
] as const
export const EVENT_CHANNELS = ['run:progress', 'data:changed', 'app:command'] as const

export type InvokeChannel = (typeof INVOKE_CHANNELS)[number]
export type EventChannel = (typeof EVENT_CHANNELS)[number]
