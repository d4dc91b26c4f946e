import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { openFileSource, SourceError, type SourceRow } from '../../../src-main/sources/index'
import type { FileSourceOptions } from '../../../src-main/sources/types'

/** One temp folder per test file, removed after it; files are real files read from disk. */
export function tempFiles(): {
  write(name: string, content: string | Uint8Array): string
  dir: string
} {
  const dir = mkdtempSync(join(tmpdir(), 'dvsync-sources-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  return {
    dir,
    write(name, content) {
      const file = join(dir, name)
      writeFileSync(file, content)
      return file
    }
  }
}

export async function readAll(file: string, options: FileSourceOptions = {}): Promise<SourceRow[]> {
  const source = await openFileSource(file, options)
  const rows: SourceRow[] = []
  for await (const row of source.rows()) rows.push(row)
  return rows
}

/** The SourceError a promise rejects with (failing the test when it resolves or throws another). */
export async function sourceError(promise: Promise<unknown>): Promise<SourceError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err, 'expected a SourceError').toBeInstanceOf(SourceError)
  return err as SourceError
}
