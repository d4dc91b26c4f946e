import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

/**
 * Debian's Chromium under Playwright for the UI tests, with the flags this machine needs (no
 * background networking: its connections are refused here) and a fresh profile per run.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export interface TestBrowser {
  context: BrowserContext
  /** The sign-in pages the app opened (its `openBrowser`), in order. */
  signInPages: PageQueue
  /** Pass this as the bridge's openBrowser: the URL opens in a new page of the same browser. */
  openBrowser(url: string): Promise<void>
  close(): Promise<void>
}

/** Pages that appear one by one, awaited by the test that expects them. */
export class PageQueue {
  private readonly pages: Page[] = []
  private readonly waiting: ((page: Page) => void)[] = []

  push(page: Page): void {
    const waiter = this.waiting.shift()
    if (waiter) waiter(page)
    else this.pages.push(page)
  }

  next(timeoutMs = 15_000): Promise<Page> {
    const page = this.pages.shift()
    if (page) return Promise.resolve(page)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(done), 1)
        reject(new Error(`No sign-in page opened within ${timeoutMs} ms`))
      }, timeoutMs)
      const done = (p: Page): void => {
        clearTimeout(timer)
        resolve(p)
      }
      this.waiting.push(done)
    })
  }
}

export async function launchTestBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'dvsync-chromium-'))
  // A fresh --user-data-dir per run: Playwright sets it through a persistent context.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1360, height: 900 }
  })
  const signInPages = new PageQueue()
  return {
    context,
    signInPages,
    async openBrowser(url) {
      const page = await context.newPage()
      await page.goto(url)
      signInPages.push(page)
    },
    async close() {
      await context.close().catch(() => undefined)
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/** A port nobody listens on now (for the built-in sandbox, which wants a fixed one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

export const SCREENSHOTS = join(process.cwd(), 'test-results', 'screenshots')

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const file = join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}
