import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppServices, type AppServices } from '../../src-main/app/app-services'
import { createServices, type TokenProvider } from '../../src-main/app/services'

/**
 * The desktop app's services on a temporary data folder, with a sign-in layer that needs no
 * keychain and no network: for the shell's unit tests, which exercise the wiring, not Dataverse.
 */
export function offlineAppServices(): {
  app: AppServices
  dataDir: string
  dispose(): Promise<void>
} {
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-shell-'))
  const auth: TokenProvider = {
    tokenSource: () => ({ getToken: () => Promise.reject(new Error('offline')) }),
    signIn: () => Promise.reject(new Error('offline')),
    signOut: () => Promise.resolve(),
    isSignedIn: () => Promise.resolve(true),
    setClientSecret: () => Promise.resolve(),
    forgetEnvironment: () => Promise.resolve()
  }
  const app = createAppServices({
    services: createServices({ dataDir, auth }),
    dataDir,
    appInfo: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: 'linux' },
    sandbox: { port: 1 }
  })
  return {
    app,
    dataDir,
    async dispose() {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
