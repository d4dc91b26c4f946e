import { join } from 'node:path'
import type { BrowserWindow, BrowserWindowConstructorOptions, Dialog } from 'electron'
import type { DialogOptions, Platform } from '../app/platform'

export interface PlatformDeps {
  dialog: Pick<Dialog, 'showOpenDialog' | 'showSaveDialog'>
  /** Constructs the hidden window a PDF is printed in (Electron's BrowserWindow). */
  createWindow(
    options: BrowserWindowConstructorOptions
  ): Pick<BrowserWindow, 'loadFile' | 'destroy' | 'webContents'>
  /** The app's window, the dialogs' parent (they are modal to it); none while it is closed. */
  parent(): BrowserWindow | null
  /** The user's documents folder, where save dialogs start. */
  documents?: string
}

/** The hidden window reports are printed in: no JavaScript (a report needs none), no Node. */
export const PRINT_WINDOW_OPTIONS: BrowserWindowConstructorOptions = {
  show: false,
  webPreferences: {
    javascript: false,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    webviewTag: false,
    spellcheck: false
  }
}

const filtersOf = (options: DialogOptions) =>
  options.filters.map((f) => ({ name: f.name, extensions: f.extensions }))

/**
 * The platform adapter the services get in the desktop app: the native open and save dialogs,
 * modal to the window, and PDF reports printed by Chromium's own engine in a hidden window
 * (`webContents.printToPDF`), so printing needs no browser besides Electron itself.
 */
export function electronPlatform(deps: PlatformDeps): Platform {
  return {
    async openFile(options) {
      const settings = {
        title: options.title,
        filters: filtersOf(options),
        properties: ['openFile' as const]
      }
      const parent = deps.parent()
      const result = parent
        ? await deps.dialog.showOpenDialog(parent, settings)
        : await deps.dialog.showOpenDialog(settings)
      return result.canceled ? undefined : result.filePaths[0]
    },
    async saveFile(options) {
      const settings = {
        title: options.title,
        filters: filtersOf(options),
        ...(options.defaultName
          ? {
              defaultPath: deps.documents
                ? join(deps.documents, options.defaultName)
                : options.defaultName
            }
          : {}),
        properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const]
      }
      const parent = deps.parent()
      const result = parent
        ? await deps.dialog.showSaveDialog(parent, settings)
        : await deps.dialog.showSaveDialog(settings)
      return result.canceled || !result.filePath ? undefined : result.filePath
    },
    printer: {
      async print(htmlFile) {
        const window = deps.createWindow(PRINT_WINDOW_OPTIONS)
        try {
          await window.loadFile(htmlFile)
          return await window.webContents.printToPDF({
            landscape: true,
            pageSize: 'A4',
            printBackground: true,
            displayHeaderFooter: true,
            headerTemplate: '<span></span>',
            footerTemplate:
              '<div style="font-size:8px;width:100%;text-align:center;color:#57606a"><span class="pageNumber"></span> / <span class="totalPages"></span></div>'
          })
        } finally {
          window.destroy()
        }
      }
    }
  }
}
