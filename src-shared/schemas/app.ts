import { z } from 'zod'

export const AppInfo = z
  .object({
    name: z.string(),
    version: z.string(),
    platform: z.string(),
    /** Where environments, mirrors and run history are kept. */
    dataDir: z.string()
  })
  .strict()
export type AppInfo = z.infer<typeof AppInfo>

/** Cached data the renderer shows; `data:changed` names which of it is stale. */
export const DATA_ENTITIES = [
  'environments',
  'tables',
  'keys',
  'pulls',
  'changes',
  'runs',
  'profiles',
  'plans'
] as const
export const DataEntity = z.enum(DATA_ENTITIES)
export type DataEntity = z.infer<typeof DataEntity>

export const DataChanged = z
  .object({
    entities: z.array(DataEntity).min(1),
    /** Only this environment's data changed (all environments when omitted). */
    environmentId: z.number().int().positive().optional()
  })
  .strict()
export type DataChanged = z.infer<typeof DataChanged>

export const SCREENS = ['environments', 'tables', 'pulls', 'profiles', 'preview', 'runs'] as const
export const Screen = z.enum(SCREENS)
export type Screen = z.infer<typeof Screen>

/** What the native menu asks the window to do (keyboard shortcuts included). */
export const AppCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('navigate'), to: Screen }).strict(),
  z.object({ command: z.literal('refresh') }).strict(),
  z.object({ command: z.literal('toggle-theme') }).strict(),
  z.object({ command: z.literal('add-environment') }).strict()
])
export type AppCommand = z.infer<typeof AppCommand>
