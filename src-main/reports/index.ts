/**
 * Run reports (issue 6): one model per run (build.ts, model.ts) rendered to CSV, JSON, HTML and
 * PDF. The CLI's `dvsync report` and the desktop app call exportRunReport; the app passes an
 * Electron PdfPrinter, the CLI gets the headless Chromium one.
 */
export { openRunReport, UnknownRunError } from './build'
export {
  DEFAULT_PDF_RECORDS,
  exportRunReport,
  parseReportFormat,
  ReportFormatError,
  reportFormatOf,
  type ExportOptions,
  type ExportResult
} from './export'
export {
  REPORT_FORMATS,
  REPORT_VERSION,
  type ColumnChange,
  type RecordQuery,
  type ReportFormat,
  type ReportRecord,
  type RunReport,
  type RunReportHeader
} from './model'
export {
  CHROMIUM_ARGS,
  chromiumPrinter,
  findChromium,
  PdfPrinterUnavailableError,
  type PdfPrinter
} from './pdf'
export { renderCsv } from './render-csv'
export { DEFAULT_HTML_RECORDS, renderHtml, type HtmlOptions } from './render-html'
export { renderJson } from './render-json'
