import type { AppServices } from '../app/app-services'
import type { Handlers } from './dispatch'

export { dispatch, type Handlers } from './dispatch'
export { ServiceError } from './errors'

/**
 * Contract channel → service call, and nothing else: input is already validated by dispatch()
 * and failures are wrapped there. Logic belongs in src-main/app, where the CLI can use it too.
 */
export function createHandlers(app: AppServices): Handlers {
  const { environments, tables, pulls, profiles, sources, mapping, plans, applies, runs } = app
  return {
    'app:info': () => app.info,

    'environments:list': () => environments.list(),
    'environments:add': (input) => environments.add(input),
    'environments:addSandbox': ({ name }) => environments.addSandbox(name),
    'environments:remove': async ({ id }) => {
      await environments.remove(id)
      return { removed: true as const }
    },
    'environments:signIn': ({ id }) => environments.signIn(id),
    'environments:cancelSignIn': ({ id }) => ({ cancelled: environments.cancelSignIn(id) }),
    'environments:signOut': ({ id }) => environments.signOut(id),
    'environments:test': ({ id }) => environments.test(id),

    'tables:list': ({ environmentId }) => tables.list(environmentId),
    'tables:get': ({ environmentId, table }) => tables.get(environmentId, table),
    'tables:enableTracking': ({ environmentId, table }) =>
      tables.enableTracking(environmentId, table),
    'keys:list': ({ environmentId, table }) => tables.keys(environmentId, table),
    'keys:create': (input) => tables.createKey(input),
    'keys:delete': (ref) => tables.deleteKey(ref),
    'keys:reactivate': (ref) => tables.reactivateKey(ref),
    'keys:duplicates': (input) => tables.keyDuplicates(input),

    'pulls:start': ({ environmentId, table, full, profile }) =>
      pulls.start(environmentId, table, { full: full ?? false, ...(profile ? { profile } : {}) }),
    'pulls:cancel': ({ environmentId, table }) => ({
      cancelled: pulls.cancel(environmentId, table)
    }),
    'pulls:active': () => pulls.running(),
    'pulls:list': ({ environmentId, table, limit }) => pulls.list(environmentId, table, limit),
    'pulls:changes': (input) => pulls.changes(input),
    'pulls:export': ({ runId, format }) => pulls.exportChanges(runId, format),

    'runs:list': (input) => runs.list(input),
    'runs:get': ({ runId }) => runs.get(runId),
    'runs:items': (input) => runs.items(input),
    'runs:trend': (input) => runs.trend(input),
    'runs:compare': ({ a, b, offset, limit }) => runs.compare(a, b, offset, limit),
    'runs:report': ({ runId, format }) => runs.report(runId, format),
    'runs:prune': (input) => runs.prune(input),

    'profiles:list': () => profiles.list(),
    'profiles:get': ({ name }) => profiles.get(name),
    'profiles:save': (input) => profiles.save(input),
    'profiles:remove': ({ name }) => {
      profiles.remove(name)
      return { removed: true as const }
    },
    'profiles:export': ({ name }) => profiles.export(name),
    'profiles:import': ({ name }) => profiles.import(name),

    'sources:pick': () => sources.pick(),
    'sources:inspect': ({ rows, ...source }) => sources.inspect(source, rows),
    'mapping:suggest': ({ environmentId, table, sourceColumns }) =>
      mapping.suggest(environmentId, table, sourceColumns),
    'mapping:validate': async ({ environmentId, sourceColumns, ...settings }) => ({
      problems: await mapping.problems(environmentId, settings, sourceColumns)
    }),

    'plans:create': (input) => plans.create(input),
    'plans:cancel': ({ environmentId, table }) => ({
      cancelled: plans.cancel(environmentId, table)
    }),
    'plans:list': ({ environmentId, limit }) => plans.list(environmentId, limit),
    'plans:get': ({ planId }) => plans.get(planId),
    'plans:items': (input) => plans.items(input),
    'plans:exclude': ({ planId, seqs, excluded }) => ({
      changed: plans.exclude(planId, seqs, excluded)
    }),
    'plans:export': ({ planId, format }) => plans.export(planId, format),

    'apply:start': ({ planId, force, allowRemovalPercent }) =>
      applies.start(planId, force ?? false, allowRemovalPercent),
    'apply:pause': ({ runId }) => ({ paused: applies.pause(runId) }),
    'apply:resume': ({ runId }) => ({ resumed: applies.resume(runId) }),
    'apply:cancel': ({ runId }) => ({ cancelled: applies.cancel(runId) }),
    'apply:active': () => applies.running(),
    'undo:plan': ({ runId, created }) => runs.undo(runId, created)
  }
}
