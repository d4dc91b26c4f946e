import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAppServices, type AppServices } from '../../../src-main/app/app-services'
import type { Platform } from '../../../src-main/app/platform'
import { createServices } from '../../../src-main/app/services'
import { AuthService } from '../../../src-main/auth/index'
import { createHandlers, dispatch, type Handlers } from '../../../src-main/ipc/handlers'
import type { InvokeChannel } from '../../../src-shared/channels'
import type { Input, Output } from '../../../src-shared/contract'
import { MemorySecretStore } from '../../support/auth-memory-secret-store'
import { FakeBrowser, type BrowserScript } from '../../support/fake-browser'
import { freePort } from '../../support/web-bridge-browser'

/**
 * The desktop app's services as the Electron main builds them, driven through the IPC handlers
 * (so input validation and the Result envelope are part of every call), on a temporary data
 * folder, with a scripted browser for sign-ins. No renderer: that is the e2e tests' part.
 */
export interface AppFixture {
  app: AppServices
  handlers: Handlers
  browser: FakeBrowser
  events: { event: string; payload: unknown }[]
  /** Calls a channel; throws with the error's code and message when it fails. */
  call<C extends InvokeChannel>(channel: C, input: Input<C>): Promise<Output<C>>
  /** Calls a channel and returns its error. */
  fail<C extends InvokeChannel>(
    channel: C,
    input: Input<C>
  ): Promise<{ code: string; message: string; field?: string }>
  /** The temporary data folder (files written there are removed with it). */
  dataDir: string
  close(): Promise<void>
}

export async function appFixture(
  script: BrowserScript = {},
  options: { platform?: Platform } = {}
): Promise<AppFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-app-'))
  const browser = new FakeBrowser(script)
  const auth = new AuthService({
    dataDir,
    secrets: new MemorySecretStore(),
    openBrowser: browser.openBrowser,
    log: () => undefined,
    signInTimeoutMs: 20_000
  })
  const app = createAppServices({
    services: createServices({ dataDir, auth, transport: { baseDelayMs: 5, maxDelayMs: 50 } }),
    dataDir,
    appInfo: { name: 'Dataverse Sync Studio', version: '0.1.0', platform: process.platform },
    ...(options.platform ? { platform: options.platform } : {}),
    sandbox: {
      port: await freePort(),
      sandbox: { accounts: 10, contacts: 20, products: 120, keyActivationDelayMs: 200 }
    }
  })
  const handlers = createHandlers(app)
  const events: AppFixture['events'] = []
  app.events.subscribe((event, payload) => events.push({ event, payload }))
  return {
    app,
    handlers,
    browser,
    events,
    dataDir,
    async call(channel, input) {
      const reply = await dispatch(handlers, channel, input)
      if (!reply.ok) throw new Error(`${channel}: ${reply.error.code} ${reply.error.message}`)
      return reply.value
    },
    async fail(channel, input) {
      const reply = await dispatch(handlers, channel, input)
      if (reply.ok) throw new Error(`${channel} succeeded: ${JSON.stringify(reply.value)}`)
      return reply.error
    },
    async close() {
      await app.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
