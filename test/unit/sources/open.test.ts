import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openFileSource } from '../../../src-main/sources/index'
import { sourceError, tempFiles } from './temp-files'

const files = tempFiles()

describe('openFileSource', () => {
  it('fails on a missing file, naming it', async () => {
    const file = join(files.dir, 'products.csv')
    const err = await sourceError(openFileSource(file))
    expect(err.code).toBe('missing-file')
    expect(err.message).toBe(`${file}: the file does not exist: check the path and the name.`)
  })

  it('fails on a folder', async () => {
    const folder = join(files.dir, 'folder.csv')
    mkdirSync(folder)
    expect((await sourceError(openFileSource(folder))).code).toBe('unreadable-file')
  })

  it('fails on an unknown extension, listing the known ones', async () => {
    const file = files.write('products.dat', 'a\n1\n')
    const err = await sourceError(openFileSource(file))
    expect(err.code).toBe('unknown-format')
    expect(err.message).toBe(
      `${file}: the extension '.dat' is not one of .csv, .tsv, .txt, .json, .ndjson, .jsonl, .xlsx, .xlsm: rename the file, or give the format (csv, json, ndjson, xlsx).`
    )
    const source = await openFileSource(file, { format: 'csv' })
    expect((await source.describe()).columns).toEqual(['a'])
  })

  it('says what to do with an old .xls workbook', async () => {
    const err = await sourceError(openFileSource(files.write('old.xls', 'x')))
    expect(err.message).toContain('old Excel .xls workbook: save it from Excel as .xlsx')
  })

  it('refuses a format it does not know', async () => {
    const file = files.write('p.csv', 'a\n')
    // @ts-expect-error: a value from outside TypeScript (CLI, profile JSON)
    const err = await sourceError(openFileSource(file, { format: 'parquet' }))
    expect(err.code).toBe('bad-option')
  })

  it('reads extensions without regard to case', async () => {
    const file = files.write('UPPER.NDJSON', '{"a":1}\n')
    expect((await (await openFileSource(file)).describe()).format).toBe('ndjson')
  })
})
