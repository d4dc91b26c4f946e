import type { AppInfo } from '../../src-shared/schemas/app'
import { AppliesService } from './applies'
import { EnvironmentsService } from './environments'
import { AppEvents } from './events'
import { FileGrants } from './file-grants'
import { MappingService } from './mapping'
import { headlessPlatform, type Platform } from './platform'
import { PlansService } from './plans'
import { ProfilesService } from './profiles'
import { PullsService } from './pulls'
import { RunsService } from './runs'
import { SourcesService } from './sources'
import { SandboxHost, type SandboxHostOptions } from './sandbox-host'
import type { Services } from './services'
import { TablesService } from './tables'

export interface AppServicesOptions {
  /** The product's services (createServices), on the data folder. */
  services: Services
  dataDir: string
  appInfo: Omit<AppInfo, 'dataDir'>
  /** The built-in sandbox's port and settings (tests pick a free port). */
  sandbox?: Omit<SandboxHostOptions, 'dataDir' | 'log'>
  /** Dialogs and the PDF printer: Electron's, the web bridge's test ones, or none. */
  platform?: Platform
  log?: (line: string) => void
}

/**
 * What the desktop app's screens use, on top of the product's services: one object per screen,
 * the built-in sandbox, and the events they emit. The Electron main and the web bridge both
 * build it here and put the IPC handlers in front of it; nothing in it knows which one it serves.
 */
export interface AppServices {
  readonly info: AppInfo
  readonly services: Services
  readonly events: AppEvents
  readonly sandbox: SandboxHost
  readonly environments: EnvironmentsService
  readonly tables: TablesService
  readonly pulls: PullsService
  readonly profiles: ProfilesService
  readonly sources: SourcesService
  readonly mapping: MappingService
  readonly plans: PlansService
  readonly applies: AppliesService
  readonly runs: RunsService
  /** Starts the built-in sandbox in the background when an environment uses it. */
  resume(): void
  close(): Promise<void>
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const { services } = options
  const events = new AppEvents()
  const sandbox = new SandboxHost({
    dataDir: options.dataDir,
    ...options.sandbox,
    ...(options.log ? { log: options.log } : {})
  })
  const environments = new EnvironmentsService({ services, events, sandbox })
  const tables = new TablesService({ services, events, environments })
  const platform = options.platform ?? headlessPlatform
  const pulls = new PullsService({ services, events, environments, platform })
  const grants = new FileGrants(services.store)
  const mapping = new MappingService({ services, environments })
  const sources = new SourcesService({ services, platform, grants })
  const profiles = new ProfilesService({
    services,
    events,
    environments,
    platform,
    grants,
    mapping
  })
  const plans = new PlansService({ services, events, environments, platform, grants })
  const applies = new AppliesService({ services, events, environments })
  const runs = new RunsService({ services, events, platform })
  return {
    info: { ...options.appInfo, dataDir: options.dataDir },
    services,
    events,
    sandbox,
    environments,
    tables,
    pulls,
    profiles,
    sources,
    mapping,
    plans,
    applies,
    runs,
    resume() {
      if (services.store.environments.list().some((e) => sandbox.isBuiltIn(e)))
        sandbox
          .ensure()
          .catch((err: unknown) => options.log?.(`sandbox: ${(err as Error).message}`))
    },
    async close() {
      environments.close()
      plans.close()
      await Promise.all([pulls.close(), applies.close()])
      await sandbox.close()
      services.close()
    }
  }
}
