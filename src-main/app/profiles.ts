import type { ProfileView, SaveProfileInput } from '../../src-shared/schemas/push'
import { AppError } from './errors'
import type { EnvironmentsService } from './environments'
import type { AppEvents } from './events'
import type { FileGrants } from './file-grants'
import type { MappingService } from './mapping'
import { PROFILE_FILTERS, type Platform } from './platform'
import { importProfileFile, writeProfileFile } from './profile-file'
import { storedPush, toProfileView } from './profile-settings'
import type { Services } from './services'
import { openGrantedSource } from './sources'

export interface ProfilesDeps {
  services: Services
  events: AppEvents
  environments: EnvironmentsService
  platform: Platform
  grants: FileGrants
  mapping: MappingService
}

/**
 * The Profiles screen's service: saved pull and push settings, checked against the table before
 * they are saved, exported to and imported from the file format `dvsync profile` uses.
 */
export class ProfilesService {
  constructor(private readonly deps: ProfilesDeps) {}

  list(): ProfileView[] {
    const { store } = this.deps.services
    return store.profiles.list().map((p) => toProfileView(store, p))
  }

  get(name: string): ProfileView {
    const { store } = this.deps.services
    const found = store.profiles.byName(name)
    if (!found) throw new AppError('NOT_FOUND', `There is no profile named '${name}' (any more).`)
    return toProfileView(store, found)
  }

  async save(input: SaveProfileInput): Promise<ProfileView> {
    const { store } = this.deps.services
    const environment = this.deps.environments.byId(input.environmentId)
    const existing = store.profiles.byName(input.name)
    if (existing && input.previousName !== input.name)
      throw new AppError(
        'CONFLICT',
        `A profile named '${input.name}' exists already; choose another name, or open that one to change it.`,
        'name'
      )
    if (input.kind === 'pull') {
      const table = await this.deps.mapping.table(input.environmentId, input.table)
      const unknown = (input.columns ?? []).filter(
        (c) => !table.columns.some((t) => t.logicalName === c)
      )
      if (unknown.length)
        throw new AppError(
          'INVALID_INPUT',
          `Table ${table.logicalName} has no column ${unknown.join(', ')}.`,
          'columns'
        )
      store.profiles.save({
        name: input.name,
        kind: 'pull',
        environmentId: environment.id,
        tableName: table.logicalName,
        settings: {
          environment: environment.name,
          ...(input.columns?.length ? { columns: input.columns } : {})
        }
      })
    } else {
      checkTimeZone(input.settings.timeZone)
      const source = await openGrantedSource(this.deps, input.source)
      let columns: string[]
      try {
        columns = (await source.describe()).columns
      } catch (err) {
        throw new AppError('INVALID_INPUT', (err as Error).message, 'source.file')
      }
      const problems = await this.deps.mapping.problems(
        input.environmentId,
        input.settings,
        columns
      )
      const first = problems[0]
      if (first)
        throw new AppError(
          'INVALID_INPUT',
          problems.length > 1
            ? `${first.message} (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
            : first.message,
          `settings.${first.field}`
        )
      store.profiles.save({
        name: input.name,
        kind: 'push',
        environmentId: environment.id,
        tableName: input.settings.table,
        settings: { ...storedPush(environment.name, input.settings, input.source) }
      })
    }
    if (input.previousName && input.previousName !== input.name)
      store.profiles.remove(input.previousName)
    this.changed()
    return this.get(input.name)
  }

  remove(name: string): void {
    if (!this.deps.services.store.profiles.remove(name))
      throw new AppError('NOT_FOUND', `There is no profile named '${name}' (any more).`)
    this.changed()
  }

  /** The save dialog, then the profile as JSON (the format of `dvsync profile export`). */
  async export(name: string): Promise<{ file: string | null }> {
    const found = this.deps.services.store.profiles.byName(name)
    if (!found) throw new AppError('NOT_FOUND', `There is no profile named '${name}' (any more).`)
    const file = await this.deps.platform.saveFile({
      title: `Export profile ${name}`,
      defaultName: `${name.replace(/[^\w.-]+/g, '-')}.profile.json`,
      filters: PROFILE_FILTERS
    })
    if (file === undefined) return { file: null }
    await writeProfileFile(found, file)
    return { file }
  }

  /** The open dialog, then the profile file read and saved (under `name` if given). */
  async import(name?: string): Promise<{ profile: ProfileView | null }> {
    const file = await this.deps.platform.openFile({
      title: 'Import a profile',
      filters: PROFILE_FILTERS
    })
    if (file === undefined) return { profile: null }
    const { store } = this.deps.services
    const saved = await importProfileFile(store, file, {
      name,
      addEnvironment: 'Add it first on the Environments screen.'
    })
    this.changed()
    return { profile: toProfileView(store, saved) }
  }

  private changed(): void {
    this.deps.events.emit('data:changed', { entities: ['profiles'] })
  }
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone })
  } catch {
    throw new AppError(
      'INVALID_INPUT',
      `'${timeZone}' is not a time zone; use an IANA name such as UTC or Europe/Paris.`,
      'settings.timeZone'
    )
  }
}
