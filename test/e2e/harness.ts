import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import type { RunningSandbox } from '../../src-main/sandbox/index'
import { describeViolations, seriousViolations } from '../support/axe'
import { startWebBridge, type WebBridge } from '../support/web-bridge'
import {
  freePort,
  launchTestBrowser,
  screenshot,
  type TestBrowser
} from '../support/web-bridge-browser'

/**
 * The desktop app as the UI tests see it: the built renderer in Debian's Chromium, the real
 * services behind the web bridge on a fresh data folder, and the built-in sandbox as Dataverse.
 */
export interface E2eApp {
  browser: TestBrowser
  bridge: WebBridge
  page: Page
  /** Everything that crossed the bridge towards the page (replies and events). */
  traffic: { channel: string; data: unknown }[]
  /** The built-in sandbox, once the app started it. */
  sandbox(): RunningSandbox
  /** A screenshot in test-results/screenshots and an axe check with no serious violations. */
  capture(name: string): Promise<void>
  close(): Promise<void>
}

export async function startE2eApp(
  options: { sandbox?: { products?: number; contacts?: number; accounts?: number } } = {}
): Promise<E2eApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dvsync-e2e-'))
  const browser = await launchTestBrowser()
  const traffic: E2eApp['traffic'] = []
  const bridge = await startWebBridge({
    dataDir,
    sandboxPort: await freePort(),
    // A key's index takes a moment, as in Dataverse, so the test sees it go Pending → Active.
    sandbox: {
      keyActivationDelayMs: 1500,
      products: 300,
      contacts: 60,
      accounts: 20,
      ...options.sandbox
    },
    openBrowser: (url) => browser.openBrowser(url),
    onTraffic: (message) => traffic.push(message)
  })
  const page = await browser.context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(bridge.url)
  await page.locator('[data-app-state="ready"]').waitFor()
  return {
    browser,
    bridge,
    page,
    traffic,
    sandbox() {
      const running = bridge.app.sandbox.running()
      if (!running) throw new Error('The built-in sandbox has not been started by the app.')
      return running
    },
    async capture(name) {
      // Colours fade between states (a theme switch, a hover): wait for the fades to end, so
      // the picture and the contrast check see the settled screen.
      await page.waitForFunction(() =>
        (
          globalThis as unknown as {
            document: { getAnimations(): { playState: string; constructor: { name: string } }[] }
          }
        ).document
          .getAnimations()
          .every((a) => a.constructor.name !== 'CSSTransition' || a.playState !== 'running')
      )
      await screenshot(page, name)
      const violations = await seriousViolations(page, name)
      expect(violations, describeViolations(violations)).toEqual([])
      expect(errors, 'errors thrown in the page').toEqual([])
    },
    async close() {
      await bridge.close()
      await browser.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** Calls the sandbox's Web API as another client would (the demo app's token). */
export async function sandboxApi(
  sandbox: RunningSandbox,
  method: string,
  path: string,
  body?: unknown
): Promise<Response> {
  const response = await fetch(`${sandbox.apiBase}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await sandbox.appToken()}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'OData-Version': '4.0',
      'OData-MaxVersion': '4.0'
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  })
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
  return response
}

/** Adds the one-click sandbox and signs in as its maker on its own sign-in page, as an admin does. */
export async function addSandboxAndSignIn(app: E2eApp): Promise<void> {
  const { page } = app
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: 'Environments' })
    .click()
  await page.getByRole('button', { name: 'Add the built-in sandbox' }).click()
  const signIn = await app.browser.signInPages.next()
  await signIn.getByRole('radio', { name: /maker@sandbox\.local/ }).check()
  await signIn.getByRole('button', { name: 'Sign in' }).click()
  await signIn.getByRole('heading', { name: 'Signed in' }).waitFor()
  await signIn.close()
  await page
    .getByTestId('environment-sandbox')
    .getByText('Signed in as maker@sandbox.local')
    .waitFor()
}
