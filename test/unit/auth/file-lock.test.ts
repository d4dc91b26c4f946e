import { mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { lockFile } from '../../../src-main/auth/file-lock'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
const file = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'dvsync-lock-'))
  dirs.push(dir)
  return join(dir, 'cache.json')
}

describe('lockFile', () => {
  it('lets one holder at a time in, in order, and cleans up its lock file', async () => {
    const path = file()
    const order: string[] = []
    const hold = async (name: string) => {
      const lock = await lockFile(path)
      order.push(`${name}+`)
      await new Promise((resolve) => setTimeout(resolve, 5))
      order.push(`${name}-`)
      await lock.release()
    }
    await Promise.all([hold('a'), hold('b'), hold('c')])
    expect(order).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-'])
    expect(existsSync(`${path}.lock`)).toBe(false)
  })

  it('takes over the lock of a process that died holding it', async () => {
    const path = file()
    writeFileSync(`${path}.lock`, '99999:dead')
    const old = new Date(Date.now() - 60_000)
    utimesSync(`${path}.lock`, old, old)
    const started = Date.now()
    const lock = await lockFile(path)
    expect(Date.now() - started).toBeLessThan(1_000)
    await lock.release()
  })

  it('waits for a live lock held by another process', async () => {
    const path = file()
    writeFileSync(`${path}.lock`, '12345:alive')
    setTimeout(() => rmSync(`${path}.lock`), 100)
    const started = Date.now()
    const lock = await lockFile(path)
    expect(Date.now() - started).toBeGreaterThanOrEqual(90)
    await lock.release()
  })
})
