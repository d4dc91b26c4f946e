import type { PdfPrinter } from '../reports/index'
import { AppError } from './errors'

export interface FileFilter {
  name: string
  extensions: string[]
}

export interface DialogOptions {
  title: string
  filters: FileFilter[]
  /** Save dialogs: the file name offered. */
  defaultName?: string
}

/**
 * What the services need of the desktop they run on: the open and save dialogs (a path the
 * admin chose, or undefined when cancelled) and a printer for PDF reports. The Electron main
 * provides it with `dialog` and `webContents.printToPDF` (src-main/electron/platform.ts); the
 * web bridge answers dialogs with paths a test set up and prints with Chromium.
 */
export interface Platform {
  openFile(options: DialogOptions): Promise<string | undefined>
  saveFile(options: DialogOptions): Promise<string | undefined>
  readonly printer: PdfPrinter
}

/** A platform without dialogs (no window to show them in): every dialog is refused. */
export const headlessPlatform: Platform = {
  openFile: () => Promise.reject(noDialogs()),
  saveFile: () => Promise.reject(noDialogs()),
  printer: { print: () => Promise.reject(noDialogs()) }
}

function noDialogs(): AppError {
  return new AppError('PRECONDITION', 'There is no window to show a file dialog in.')
}

export const SOURCE_FILTERS: FileFilter[] = [
  {
    name: 'Rows (CSV, JSON, NDJSON, Excel)',
    extensions: ['csv', 'txt', 'json', 'ndjson', 'jsonl', 'xlsx']
  },
  { name: 'All files', extensions: ['*'] }
]

export const PROFILE_FILTERS: FileFilter[] = [{ name: 'Profile (JSON)', extensions: ['json'] }]
