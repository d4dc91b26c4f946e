import { execFile } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import packageJson from '../../../package.json'

/**
 * dvsync as it ships inside the packaged app (electron-builder.yml): resources/bin/dvsync starts
 * resources/bin/dvsync.cjs on the app's executable with ELECTRON_RUN_AS_NODE, which loads the
 * built bundle out/main/cli.js from resources/app.asar. The layout is rebuilt here from the real
 * files (`npm test` builds before vitest). The Electron binary cannot be installed here, so the
 * app executable is a stand-in that behaves like Electron in Node mode: it refuses to run without
 * ELECTRON_RUN_AS_NODE=1 and otherwise runs Node. app.asar is a plain folder (Node can't read an
 * archive; Electron reads both the same way).
 */

const run = promisify(execFile)
const root = resolve('.')
const install = mkdtempSync(join(tmpdir(), 'dvsync-packaged-'))
const resources = join(install, 'resources')
const asar = join(resources, 'app.asar')
afterAll(() => rmSync(install, { recursive: true, force: true }))

if (!existsSync(join(root, 'out', 'main', 'cli.js')))
  throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does).')
mkdirSync(join(resources, 'bin'), { recursive: true })
mkdirSync(join(asar, 'out', 'main'), { recursive: true })
copyFileSync(join(root, 'bin', 'dvsync.cjs'), join(resources, 'bin', 'dvsync.cjs'))
copyFileSync(join(root, 'resources', 'bin', 'dvsync'), join(resources, 'bin', 'dvsync'))
chmodSync(join(resources, 'bin', 'dvsync'), 0o755)
cpSync(join(root, 'out', 'main'), join(asar, 'out', 'main'), { recursive: true })
// The packaged app carries its production dependencies; this checkout's node_modules stand in.
symlinkSync(join(root, 'node_modules'), join(asar, 'node_modules'))
const executable = join(install, 'dataverse-sync-studio')
writeFileSync(
  executable,
  `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "would open the desktop app" >&2; exit 99; }\nexec "${process.execPath}" "$@"\n`
)
chmodSync(executable, 0o755)

const dvsync = (...args: string[]) =>
  run(join(resources, 'bin', 'dvsync'), args, {
    // No tsx, no sources: if the launcher fell back to the checkout, it would fail to load.
    env: { PATH: '/usr/bin:/bin', HOME: install, DVSYNC_DATA_DIR: join(install, 'data') }
  })

describe('the packaged dvsync', () => {
  it('runs the built bundle on the app executable: version, help, and a command that opens the data folder', async () => {
    expect((await dvsync('--version')).stdout.trim()).toBe(packageJson.version)
    expect((await dvsync('--help')).stdout).toContain('Usage: dvsync')
    const { stdout } = await dvsync('env', 'list', '--json')
    expect(JSON.parse(stdout)).toEqual({ environments: [] })
  })

  it('keeps exit codes: a usage error is exit 2, with the message on stderr', async () => {
    const failed = await dvsync('pull').catch((e: unknown) => e)
    expect(failed).toMatchObject({ code: 2 })
    expect((failed as { stderr: string }).stderr).toContain(
      'Say what to pull: --env NAME --table LOGICAL, or --profile NAME.'
    )
  })

  it('says so when the app executable is missing, instead of a shell error', async () => {
    rmSync(executable)
    const failed = await dvsync('--version').catch((e: unknown) => e)
    expect(failed).toMatchObject({ code: 70 })
    expect((failed as { stderr: string }).stderr).toContain(
      'the Dataverse Sync Studio executable was not found'
    )
  })
})
