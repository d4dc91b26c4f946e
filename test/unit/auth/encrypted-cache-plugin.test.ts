import type { TokenCacheContext } from '@azure/msal-node'
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CacheKeyProvider } from '../../../src-main/auth/cache-key'
import { EncryptedCachePlugin } from '../../../src-main/auth/encrypted-cache-plugin'
import { KeychainUnavailableError } from '../../../src-main/auth/errors'
import { MemorySecretStore } from '../../support/auth-memory-secret-store'

/**
 * The cache plugin with an in-memory keychain and a stand-in for MSAL's TokenCacheContext (the
 * plugin only calls deserialize/serialize on it); the real MSAL interplay is in
 * test/integration/auth.
 */

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function setup(store = new MemorySecretStore()) {
  const dir = mkdtempSync(join(tmpdir(), 'dvsync-plugin-'))
  dirs.push(dir)
  const logs: string[] = []
  const file = join(dir, 'token-cache-test.json')
  const plugin = (s = store) =>
    new EncryptedCachePlugin(
      file,
      new CacheKeyProvider(
        s,
        () => Promise.resolve('ns'),
        (l) => logs.push(l)
      ),
      (l) => logs.push(l)
    )
  return { dir, file, logs, store, plugin }
}

/** MSAL's side of one before/after pair. */
class FakeCache {
  loaded: string[] = []
  constructor(public state = '{}') {}
  context(changed: boolean): TokenCacheContext {
    return {
      cacheHasChanged: changed,
      tokenCache: {
        deserialize: (blob: string) => {
          this.loaded.push(blob)
          this.state = blob
        },
        serialize: () => this.state
      }
    } as unknown as TokenCacheContext
  }
}

async function access(plugin: EncryptedCachePlugin, cache: FakeCache, write?: string) {
  const context = cache.context(write !== undefined)
  await plugin.beforeCacheAccess(context)
  if (write !== undefined) cache.state = write
  await plugin.afterCacheAccess(context)
}

const EMPTY =
  /^\{"Account":\{\},"IdToken":\{\},"AccessToken":\{\},"RefreshToken":\{\},"AppMetadata":\{\}\}$/

describe('EncryptedCachePlugin', () => {
  it('persists the cache sealed; a new instance (a restart) reads it back', async () => {
    const { file, plugin, store } = setup()
    const first = new FakeCache()
    await access(plugin(), first)
    expect(first.loaded[0]).toMatch(EMPTY)
    await access(plugin(), first, '{"RefreshToken":{"x":{"secret":"rt-1"}}}')
    expect(readFileSync(file, 'utf8')).not.toContain('rt-1')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect([...store.values.keys()]).toEqual(['ns/token-cache-key'])

    const restarted = new FakeCache()
    await access(plugin(), restarted)
    expect(restarted.loaded).toEqual(['{"RefreshToken":{"x":{"secret":"rt-1"}}}'])
  })

  it('does not write when MSAL changed nothing, and leaves no temp or lock files', async () => {
    const { dir, plugin } = setup()
    await access(plugin(), new FakeCache())
    expect(readdirSync(dir)).toEqual([])
    await access(plugin(), new FakeCache(), '{}')
    expect(readdirSync(dir)).toEqual(['token-cache-test.json'])
  })

  it('treats a tampered file as empty and says so once', async () => {
    const { file, logs, plugin } = setup()
    const p = plugin()
    await access(p, new FakeCache(), '{"a":1}')
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"data":"./, '"data":"A'))
    const cache = new FakeCache()
    await access(p, cache)
    await access(p, cache)
    expect(cache.loaded).toEqual([expect.stringMatching(EMPTY), expect.stringMatching(EMPTY)])
    expect(logs).toEqual([
      expect.stringMatching(/could not be read \(.*\); it is treated as empty, so sign in again\.$/)
    ])
  })

  it('treats a cache whose key left the keychain as empty, with a log line', async () => {
    const { logs, plugin, store } = setup()
    await access(plugin(), new FakeCache(), '{"a":1}')
    store.values.clear()
    const cache = new FakeCache()
    await access(plugin(), cache)
    expect(cache.loaded).toEqual([expect.stringMatching(EMPTY)])
    expect(logs[0]).toMatch(/sealed with a key that is no longer in the keychain/)
  })

  it('refuses to write without a keychain (no plaintext fallback)', async () => {
    const { dir, plugin } = setup(
      new MemorySecretStore(() => new KeychainUnavailableError('no keychain'))
    )
    const p = plugin()
    await expect(access(p, new FakeCache(), '{"secret":"x"}')).rejects.toBeInstanceOf(
      KeychainUnavailableError
    )
    expect(readdirSync(dir)).toEqual([])
    // The lock was released: the next access is not stuck behind the failed one.
    await expect(access(p, new FakeCache())).resolves.toBeUndefined()
  })

  it('serialises read-modify-write across instances, so concurrent updates are not lost', async () => {
    const { plugin } = setup()
    const a = plugin()
    const b = plugin()
    // Each "refresh" reads the file, adds its entry, and writes back.
    const update = async (p: EncryptedCachePlugin, entry: string) => {
      const cache = new FakeCache()
      const context = cache.context(true)
      await p.beforeCacheAccess(context)
      const state = JSON.parse(cache.state) as Record<string, unknown>
      await new Promise((resolve) => setTimeout(resolve, 5))
      cache.state = JSON.stringify({ ...state, [entry]: true })
      await p.afterCacheAccess(context)
    }
    await Promise.all(Array.from({ length: 8 }, (_, i) => update(i % 2 ? a : b, `entry${i}`)))
    const cache = new FakeCache()
    await access(a, cache)
    expect(
      Object.keys(JSON.parse(cache.state) as object).filter((k) => k.startsWith('entry'))
    ).toHaveLength(8)
  })
})
