import type { EnvironmentConfig } from '../../src-shared/model/environment'
import { UndoEngine, UndoError, type UndoPlan } from '../sync/undo'
import { AppError } from './errors'
import type { Services } from './services'

/**
 * Plans the undo of an apply run (`dvsync undo` and the Runs screen): the run and its
 * environment looked up, then the undo engine's plan — an ordinary plan to preview and apply.
 */
export async function planUndo(
  services: Services,
  runId: number,
  created: 'delete' | 'deactivate' = 'delete'
): Promise<{ plan: UndoPlan; environment: EnvironmentConfig }> {
  const run = services.store.runs.get(runId)
  if (!run) throw new AppError('NOT_FOUND', `There is no run ${runId}.`)
  const environment =
    run.environmentId !== null ? services.store.environments.byId(run.environmentId) : undefined
  if (!environment)
    throw new AppError('PRECONDITION', `Run ${runId} wrote to an environment that was removed.`)
  try {
    const plan = await new UndoEngine({
      store: services.store,
      client: services.client(environment)
    }).plan({ environment, runId, created })
    return { plan, environment }
  } catch (err) {
    if (err instanceof UndoError) throw new AppError('PRECONDITION', err.message)
    throw err
  }
}
