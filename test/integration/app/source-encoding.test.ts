import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestPlatform } from '../../support/web-bridge-platform'
import { appFixture, type AppFixture } from './app-fixture'

/**
 * The Profiles screen's source preview through the IPC handler (issue 19 item 12): it says which
 * encoding a file was read in and how that was chosen, and warns when the bytes do not fit it —
 * a Shift-JIS file is no longer shown as windows-1252 without a word.
 */
const platform = new TestPlatform()
let f: AppFixture
beforeAll(async () => {
  f = await appFixture({}, { platform })
})
afterAll(() => f?.close())

/** "Name,City / テスト,日本語 / こんにちは,東京" in Shift-JIS. */
const SHIFT_JIS = Buffer.from(
  '4e616d652c436974790d0a836583588367' + '2c93fa967b8cea0d0a82b182f182c982bf82cd2c938c8b9e0d0a',
  'hex'
)

describe('the source preview and the encoding', () => {
  it('a Shift-JIS file: windows-1252 assumed, said so, and a warning that names Shift-JIS', async () => {
    const file = join(f.dataDir, 'japanese.csv')
    writeFileSync(file, SHIFT_JIS)
    platform.answerOpen(file)
    await f.call('sources:pick', {})
    const inspected = await f.call('sources:inspect', { file, rows: 5 })
    expect(inspected).toMatchObject({
      encoding: 'windows-1252',
      encodingBasis: 'assumed, because its first non-ASCII bytes are not valid UTF-8'
    })
    expect(inspected.warnings).toEqual([expect.stringMatching(/Shift-JIS \(Japanese\)/)])

    const given = await f.call('sources:inspect', { file, encoding: 'shift_jis', rows: 5 })
    expect(given).toMatchObject({ encoding: 'shift_jis', encodingBasis: 'as given', warnings: [] })
    expect(given.rows[0]!.values).toEqual({ Name: 'テスト', City: '日本語' })
  })
})
