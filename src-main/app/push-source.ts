import type { SourceSettings } from '../../src-shared/model/push'
import { openFileSource, openMirrorSource } from '../sources/index'
import type { RowSource } from '../sources/types'
import { AppError } from './errors'
import type { Services } from './services'

/**
 * The rows of a push: a file, or `mirror:ENV/TABLE` — another environment's mirror, for
 * environment-to-environment sync (pull it there first). For `dvsync plan` and the app alike.
 */
export async function openPushSource(
  services: Services,
  source: SourceSettings
): Promise<RowSource> {
  const mirror = /^mirror:([^/]+)\/([a-z0-9_]+)$/i.exec(source.file)
  if (mirror) {
    const from = services.environment(mirror[1]!)
    if (!services.store.mirrors.find(from.id, mirror[2]!.toLowerCase())) {
      throw new AppError(
        'PRECONDITION',
        `Environment '${from.name}' has no mirror of '${mirror[2]}' yet; pull it first: dvsync pull --env ${from.name} --table ${mirror[2]}`
      )
    }
    return openMirrorSource(services.store, from.id, mirror[2]!.toLowerCase())
  }
  return openFileSource(source.file, {
    ...(source.format ? { format: source.format } : {}),
    ...(source.sheet ? { sheet: source.sheet } : {}),
    ...(source.delimiter ? { delimiter: source.delimiter } : {}),
    ...(source.encoding ? { encoding: source.encoding } : {})
  })
}
