import type { DialogOptions, Platform } from '../../src-main/app/platform'
import { chromiumPrinter, type PdfPrinter } from '../../src-main/reports/index'

/**
 * The platform adapter of the web bridge: a browser page can't show the app's native dialogs,
 * so the test says beforehand what the admin would pick (`answerOpen`, `answerSave`), and PDFs
 * are printed by Debian's Chromium (the same engine Electron's printToPDF uses). A dialog nobody
 * answered is cancelled, as if the admin closed it. Every dialog asked for is recorded.
 */
export class TestPlatform implements Platform {
  readonly asked: { kind: 'open' | 'save'; options: DialogOptions }[] = []
  readonly printed: string[] = []
  private readonly opens: (string | undefined)[] = []
  private readonly saves: (string | undefined)[] = []
  private readonly inner: PdfPrinter

  constructor(printer: PdfPrinter = chromiumPrinter()) {
    this.inner = printer
  }

  /** The next open dialog returns this file (undefined: the admin cancels it). */
  answerOpen(file: string | undefined): void {
    this.opens.push(file)
  }

  /** The next save dialog returns this file (undefined: the admin cancels it). */
  answerSave(file: string | undefined): void {
    this.saves.push(file)
  }

  openFile(options: DialogOptions): Promise<string | undefined> {
    this.asked.push({ kind: 'open', options })
    return Promise.resolve(this.opens.shift())
  }

  saveFile(options: DialogOptions): Promise<string | undefined> {
    this.asked.push({ kind: 'save', options })
    return Promise.resolve(this.saves.shift())
  }

  readonly printer: PdfPrinter = {
    print: (htmlFile) => {
      this.printed.push(htmlFile)
      return this.inner.print(htmlFile)
    }
  }
}
