import fc from 'fast-check'
import { expect } from 'vitest'
import { openFileSource, SourceError, type SourceRow } from '../../src-main/sources/index'
import type { FileSourceOptions } from '../../src-main/sources/types'

/** Shared by the source fuzzers (test/fuzz/sources*.test.ts): reading a file, damaging bytes. */

/** Every row of the file, or the SourceError that stopped it; anything else fails the property. */
export async function readAll(
  file: string,
  options: FileSourceOptions = {}
): Promise<{ rows: SourceRow[] } | { error: SourceError }> {
  try {
    const source = await openFileSource(file, options)
    await source.describe()
    const rows: SourceRow[] = []
    for await (const row of source.rows()) rows.push(row)
    // preview() reads the same rows as rows() does.
    const preview = await source.preview(3)
    expect(preview).toEqual(rows.slice(0, 3))
    return { rows }
  } catch (err) {
    if (err instanceof SourceError) return { error: err }
    throw err
  }
}

export const outcome = (result: { rows: SourceRow[] } | { error: SourceError }): string =>
  'error' in result
    ? `SourceError ${result.error.code}`
    : result.rows.some((r) => r.error)
      ? 'rows with error rows'
      : 'rows'

/** Byte-level damage: flips, insertions of bytes that matter to the formats, deletions, a cut. */
export const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '"',
      "'",
      ',',
      ';',
      '\t',
      '\n',
      '\r',
      '\r\n',
      '{',
      '}',
      '[',
      ']',
      '\\',
      '\u0000',
      '\uFEFF',
      '<',
      '&',
      ']]>',
      '&lol;',
      '\xff\xfe',
      'é',
      '\ud800'
    )
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 8 })
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() })
)
export type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never

export function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes)
  for (const m of mutations) {
    if (out.length === 0) break
    const at = m.at % out.length
    if (m.kind === 'flip') out[at] = m.byte
    else if (m.kind === 'insert')
      out = Buffer.concat([out.subarray(0, at), Buffer.from(m.text, 'latin1'), out.subarray(at)])
    else if (m.kind === 'delete')
      out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)])
    else out = out.subarray(0, at)
  }
  return out
}
