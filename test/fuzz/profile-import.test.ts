import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dvsync } from '../support/fuzz-cli'
import { fuzz, runs } from '../support/fuzz-kit'

/**
 * `dvsync profile import FILE` (src-main/cli/commands/profile.ts) with random and damaged files,
 * run in-process through the real CLI entry point: every file is imported (exit 0, and `profile
 * show` gives back its settings) or cleanly refused (exit 2 with a message), never an internal
 * error (exit 70); nothing pollutes Object.prototype; and an imported profile, used by `dvsync
 * plan`, is refused cleanly too when its settings are nonsense (exit 2 or 3, nothing sent).
 */

const dir = mkdtempSync(join(tmpdir(), 'dvsync-fuzz-profiles-'))
const dataDir = join(dir, 'data')
/** A real source file, so that sensible settings get as far as signing in. */
const SOURCE = join(dir, 'products.csv')
writeFileSync(SOURCE, 'productnumber,name\nP-1,One\n')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

beforeAll(async () => {
  const added = await dvsync(
    dataDir,
    ['env', 'add', 'prod', '--url', 'https://contoso.crm.dynamics.com', '--auth', 'env-token'],
    {}
  )
  expect(added.code, added.stderr).toBe(0)
})

const KEYS = ['version', 'name', 'kind', 'table', 'settings', '__proto__', 'constructor']
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('prod', 'nope', '', 'x'.repeat(101), 'account', 'push', 'pull', 1, 0, -1, null)
)
const settings = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        environment: fc.oneof(
          { weight: 5, arbitrary: fc.constant('prod') },
          { weight: 1, arbitrary: value }
        ),
        push: fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              'key',
              'mapping',
              'missing',
              'mode',
              'timeZone',
              'batchSize',
              'parallelism',
              'strategy',
              '__proto__'
            ),
            value,
            { maxKeys: 4 }
          ),
          value
        ),
        source: fc.oneof(
          { weight: 3, arbitrary: fc.record({ file: fc.constant(SOURCE) }) },
          {
            weight: 1,
            arbitrary: fc.record(
              { file: value, sheet: value, delimiter: value, encoding: value },
              { requiredKeys: [] }
            )
          },
          { weight: 1, arbitrary: value }
        ),
        columns: fc.array(value, { maxLength: 3 })
      },
      { requiredKeys: ['environment'] }
    )
  },
  { weight: 1, arbitrary: value }
)
const profile = fc.record(
  {
    version: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: value }),
    name: fc.oneof(
      { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9 ._'"-]{1,30}$/) },
      { weight: 1, arbitrary: value }
    ),
    kind: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('push', 'pull') },
      { weight: 1, arbitrary: value }
    ),
    table: fc.oneof(
      {
        weight: 5,
        arbitrary: fc.constantFrom('account', 'product', "x'; DROP TABLE profiles; --")
      },
      { weight: 1, arbitrary: value }
    ),
    settings
  },
  { requiredKeys: ['version', 'name', 'kind', 'table', 'settings'] }
)
/** What lands in the file: JSON of a (mostly) profile-shaped object, or damage of every kind. */
const file = fc.oneof(
  { weight: 6, arbitrary: profile.map((p) => JSON.stringify(p)) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(profile, fc.constantFrom(...KEYS), fc.jsonValue({ maxDepth: 2 }))
      .map(([p, key, v]) =>
        JSON.stringify(p).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(v)},`)
      )
  },
  { weight: 1, arbitrary: profile.map((p) => JSON.stringify(p).slice(0, -3)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('latin1'))
  },
  // Settings nested `deep` levels, built in the predicate so that a failure prints a number.
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 100_000 }).map((deep) => ({ deep })) },
  { weight: 1, arbitrary: profile.map((p) => `\uFEFF${JSON.stringify(p)}`) }
)

describe('profile import', () => {
  let n = 0
  it('imports or refuses cleanly, never an internal error; an imported profile is refused cleanly when used', async () => {
    await fuzz(
      'profile import',
      'imported or refused (exit 0/2), never 70',
      file,
      async (made) => {
        const content =
          typeof made === 'string'
            ? made
            : `{"version":1,"name":"deep","kind":"push","table":"account","settings":{"environment":"prod","x":${'['.repeat(made.deep)}${']'.repeat(made.deep)}}}`
        const path = join(dir, `p${(n += 1)}.json`)
        writeFileSync(path, content)
        const name = `fuzzed-${n}`
        const imported = await dvsync(dataDir, [
          'profile',
          'import',
          path,
          '--name',
          name,
          '--json'
        ])
        expect(
          ({} as Record<string, unknown>)['polluted'],
          'Object.prototype untouched'
        ).toBeUndefined()
        expect(Object.getPrototypeOf({})).toBe(Object.prototype)
        if (imported.code !== 0) {
          expect(imported.code, imported.stderr + imported.stdout).toBe(2)
          const reply = JSON.parse(imported.stdout) as { error: { message: string } }
          expect(reply.error.message).toMatch(/is not a profile file|not configured here/)
          return 'refused (exit 2)'
        }
        const shown = await dvsync(dataDir, ['profile', 'show', name, '--json'])
        expect(shown.code, shown.stderr).toBe(0)
        const parsed = JSON.parse(content.replace(/^\uFEFF/, '')) as {
          settings: Record<string, unknown>
        }
        expect(JSON.parse(shown.stdout).settings).toEqual(
          JSON.parse(JSON.stringify(parsed.settings))
        )
        // Used: nonsense settings are usage errors; sensible ones get as far as signing in
        // (env-token with no DVSYNC_ACCESS_TOKEN: exit 3), with nothing sent anywhere.
        const used = await dvsync(dataDir, ['plan', '--profile', name, '--json'])
        expect([2, 3], used.stderr + used.stdout).toContain(used.code)
        return `imported, then refused when used (exit ${used.code})`
      },
      { numRuns: runs(400), timeoutMs: 10_000 }
    )
  })
})
