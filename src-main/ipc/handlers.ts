import type { AppServices } from '../app/app-services'
import { listRuns } from '../app/runs'
import type { Handlers } from './dispatch'

export { dispatch, type Handlers } from './dispatch'
export { ServiceError } from './errors'

/**
 * Contract channel → service call, and nothing else: input is already validated by dispatch()
 * and failures are wrapped there. Logic belongs in src-main/app, where the CLI can use it too.
 */
export function createHandlers(app: AppServices): Handlers {
  const { environments, tables, pulls } = app
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

    'pulls:start': ({ environmentId, table, full }) =>
      pulls.start(environmentId, table, full ?? false),
    'pulls:cancel': ({ environmentId, table }) => ({
      cancelled: pulls.cancel(environmentId, table)
    }),
    'pulls:active': () => pulls.running(),
    'pulls:list': ({ environmentId, table, limit }) => pulls.list(environmentId, table, limit),
    'pulls:changes': (input) => pulls.changes(input),

    'runs:list': (input) => listRuns(app.services.store, input)
  }
}
