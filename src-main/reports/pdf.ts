import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

/**
 * A PDF report is the HTML report printed by a browser engine. Which engine is the caller's
 * choice: the desktop app prints with Electron (`webContents.printToPDF`, see below), the CLI and
 * the tests with a headless Chromium through playwright-core (`chromiumPrinter`).
 *
 * An Electron printer is, in src-main/electron:
 *   print: async (file) => {
 *     const win = new BrowserWindow({ show: false, webPreferences: { javascript: false, sandbox: true } })
 *     try { await win.loadFile(file); return await win.webContents.printToPDF({ landscape: true, pageSize: 'A4', printBackground: true }) }
 *     finally { win.destroy() }
 *   }
 */
export interface PdfPrinter {
  /** Prints a self-contained HTML file (a path) and returns the PDF's bytes. */
  print(htmlFile: string): Promise<Uint8Array>
}

export class PdfPrinterUnavailableError extends Error {
  override name = 'PdfPrinterUnavailableError'
}

/** Where Chromium-family browsers usually are, by platform; DVSYNC_CHROMIUM comes first. */
const CANDIDATES: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/snap/bin/chromium'
  ],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    '/Applications/Chromium.app/Contents/MacOS/Chromium'
  ],
  win32: [
    'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe',
    'C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'
  ]
}

export function findChromium(explicit?: string): string {
  const given = explicit ?? process.env['DVSYNC_CHROMIUM']
  if (given) {
    if (!existsSync(given))
      throw new PdfPrinterUnavailableError(`There is no browser at ${given} to print the PDF with.`)
    return given
  }
  const found = (CANDIDATES[process.platform] ?? []).find((p) => existsSync(p))
  if (!found)
    throw new PdfPrinterUnavailableError(
      'No Chromium, Chrome or Edge was found to print the PDF with. Install one, or name it with DVSYNC_CHROMIUM=/path/to/chromium (or --chromium PATH).'
    )
  return found
}

/** The flags the project runs headless Chromium with: no sandbox (root in CI), no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
]

/**
 * Prints with a headless Chromium, launched for the one print and closed after it. The page runs
 * without JavaScript (the report needs none to print) and every request that is not the file
 * itself is refused, on top of the report's own Content-Security-Policy.
 */
export function chromiumPrinter(
  options: { executablePath?: string; timeoutMs?: number } = {}
): PdfPrinter {
  return {
    async print(htmlFile) {
      const executablePath = findChromium(options.executablePath)
      const timeout = options.timeoutMs ?? 60_000
      // Loaded on demand: the desktop app prints with Electron and never needs it.
      const { chromium } = await import('playwright-core')
      const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout })
      try {
        const context = await browser.newContext({ javaScriptEnabled: false })
        const page = await context.newPage()
        await page.route(
          (url) => url.protocol !== 'file:',
          (route) => route.abort('blockedbyclient')
        )
        await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout })
        return await page.pdf({
          format: 'A4',
          landscape: true,
          printBackground: true,
          preferCSSPageSize: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate:
            '<div style="font-size:8px;width:100%;text-align:center;color:#57606a"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'
        })
      } finally {
        await browser.close()
      }
    }
  }
}
