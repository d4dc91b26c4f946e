import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * electron-builder.yml as electron-builder itself reads and validates it (its own loader and JSON
 * schema; packaging needs the Electron binary, so nothing is packaged here): the fuses of the
 * security checklist (item 19) and the files the package carries for the dvsync command.
 */

type Config = {
  electronFuses?: Record<string, boolean>
  extraResources?: { from: string; to: string }[]
}
type ConfigModule = {
  getConfig(dir: string, path: string, options: null): Promise<Config>
  validateConfiguration(config: Config, logger: { add(): void; isEnabled: boolean }): Promise<void>
}
// A deep import: electron-builder has no public export for its config loader.
const { getConfig, validateConfiguration } = createRequire(resolve('package.json'))(
  'app-builder-lib/out/util/config/config'
) as ConfigModule
const logger = { add: (): void => undefined, isEnabled: false }

describe('packaging configuration', () => {
  it('passes electron-builder’s own schema, and a misspelt fuse would not', async () => {
    const config = await getConfig(resolve('.'), 'electron-builder.yml', null)
    await validateConfiguration(config, logger)
    const misspelt = { ...config, electronFuses: { ...config.electronFuses, runAsNod: true } }
    await expect(validateConfiguration(misspelt, logger)).rejects.toThrow(/electronFuses/)
  })

  it('flips the fuses SECURITY.md lists: no NODE_OPTIONS, no --inspect, asar only and checked, no file:// privileges', async () => {
    const config = await getConfig(resolve('.'), 'electron-builder.yml', null)
    expect(config.electronFuses).toEqual({
      runAsNode: true, // the dvsync launchers need it (SECURITY.md, item 19)
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false
    })
  })

  it('ships the dvsync launchers and every extra resource exists', async () => {
    const config = await getConfig(resolve('.'), 'electron-builder.yml', null)
    const shipped = (config.extraResources ?? []).map((r) => r.to)
    expect(shipped).toEqual(['bin/dvsync.cjs', 'bin/dvsync', 'bin/dvsync.cmd'])
    for (const { from } of config.extraResources ?? [])
      expect(existsSync(resolve(from)), from).toBe(true)
  })
})
