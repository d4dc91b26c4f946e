import { createWriteStream } from 'node:fs'
import { rm, stat, writeFile } from 'node:fs/promises'
import { writeAtomically } from './atomic-file'
import { extname } from 'node:path'
import type { Store } from '../store/open'
import { openRunReport } from './build'
import { REPORT_FORMATS, type ReportFormat } from './model'
import { chromiumPrinter, type PdfPrinter } from './pdf'
import { renderCsv } from './render-csv'
import { renderHtml } from './render-html'
import { renderJson } from './render-json'

export class ReportFormatError extends Error {
  override name = 'ReportFormatError'
}

/** Records in a PDF by default: a printed report is read, not searched (the CSV has them all). */
export const DEFAULT_PDF_RECORDS = 500

export interface ExportOptions {
  format?: ReportFormat
  /** Records in an HTML page or PDF (see renderHtml); CSV and JSON always have every record. */
  maxRecords?: number
  /** How a PDF is printed; by default a headless Chromium (the desktop app passes Electron's). */
  printer?: PdfPrinter
  /** Called after each record written, e.g. for progress. */
  onRecord?: (n: number) => void
  now?: Date
}

export interface ExportResult {
  runId: number
  format: ReportFormat
  file: string
  /** Records in the file (an HTML page or PDF may hold fewer than the run). */
  records: number
  /** Records of the run. */
  totalRecords: number
  bytes: number
}

export function parseReportFormat(text: string): ReportFormat {
  const format = text.trim().toLowerCase()
  if ((REPORT_FORMATS as readonly string[]).includes(format)) return format as ReportFormat
  throw new ReportFormatError(`Unknown report format '${text}': use ${REPORT_FORMATS.join(', ')}.`)
}

/** The format a file name asks for: .csv, .json, .html/.htm or .pdf. */
export function reportFormatOf(file: string): ReportFormat {
  const ext = extname(file).toLowerCase().replace(/^\./, '')
  if (ext === 'htm') return 'html'
  if ((REPORT_FORMATS as readonly string[]).includes(ext)) return ext as ReportFormat
  throw new ReportFormatError(
    `Can't tell the report format from '${file}': give a format (${REPORT_FORMATS.join(', ')}) or a file name ending in one.`
  )
}

/**
 * Writes a run's report to a file: streamed to a temporary file beside it and renamed when
 * complete, so nobody ever opens half a report. A PDF is the HTML report printed.
 */
export async function exportRunReport(
  store: Store,
  runId: number,
  file: string,
  options: ExportOptions = {}
): Promise<ExportResult> {
  const format = options.format ?? reportFormatOf(file)
  const report = openRunReport(store, runId, options.now ? { now: options.now } : {})
  const onRecord = options.onRecord
  const records = await writeAtomically(file, async (temp) => {
    if (format === 'pdf') {
      const html = `${temp}.html`
      try {
        const count = await renderHtml(report, createWriteStream(html, { encoding: 'utf8' }), {
          maxRecords: options.maxRecords ?? DEFAULT_PDF_RECORDS,
          ...(onRecord ? { onRecord } : {})
        })
        const printer = options.printer ?? chromiumPrinter()
        await writeFile(temp, await printer.print(html))
        return count
      } finally {
        await rm(html, { force: true })
      }
    }
    const out = createWriteStream(temp, { encoding: 'utf8' })
    try {
      return format === 'csv'
        ? await renderCsv(report, out, onRecord)
        : format === 'json'
          ? await renderJson(report, out, onRecord)
          : await renderHtml(report, out, {
              ...(options.maxRecords !== undefined ? { maxRecords: options.maxRecords } : {}),
              ...(onRecord ? { onRecord } : {})
            })
    } catch (err) {
      out.destroy()
      throw err
    }
  })
  return {
    runId,
    format,
    file,
    records,
    totalRecords: report.header.recordCounts.total,
    bytes: (await stat(file)).size
  }
}
