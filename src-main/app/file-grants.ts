import { resolve } from 'node:path'
import type { Store } from '../store/open'
import { AppError } from './errors'

/**
 * The files the renderer may have read on its behalf: the ones the admin picked in an open
 * dialog this session, and the sources saved profiles name (the admin's own settings). A path
 * typed into a compromised page is refused, so the window can't be used to read any file of the
 * user's. Writes never take a path from the renderer at all: they go through the save dialog.
 */
export class FileGrants {
  private readonly granted = new Set<string>()

  constructor(private readonly store: Store) {}

  grant(file: string): string {
    const path = resolve(file)
    this.granted.add(path)
    return path
  }

  allows(file: string): boolean {
    if (file.startsWith('mirror:')) return true
    const path = resolve(file)
    if (this.granted.has(path)) return true
    return this.store.profiles.list().some((p) => {
      const source = (p.settings['source'] as { file?: unknown } | undefined)?.file
      return typeof source === 'string' && resolve(source) === path
    })
  }

  /** Throws unless the renderer may read the file. */
  check(file: string, field = 'source.file'): void {
    if (!this.allows(file))
      throw new AppError(
        'PRECONDITION',
        `Choose the file with Browse… first: the app reads only files picked in its dialog or named by a saved profile (${file}).`,
        field
      )
  }
}
