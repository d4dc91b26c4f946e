import { resolve } from 'node:path'
import type { Command } from 'commander'
import {
  chromiumPrinter,
  exportRunReport,
  parseReportFormat,
  PdfPrinterUnavailableError,
  ReportFormatError,
  reportFormatOf,
  UnknownRunError,
  type ReportFormat
} from '../../reports/index'
import { CliError } from '../exit-codes'
import { count, plural } from '../format'
import type { CommandContext } from '../main'

interface ReportFlags {
  format?: string
  out: string
  maxRecords?: number
  chromium?: string
}

/** `dvsync report RUN_ID --format csv|json|html|pdf --out FILE` (shared/design/cli.md). */
export function registerReport(program: Command, context: CommandContext): void {
  program
    .command('report')
    .description(
      "Write a run's report: CSV (a row per record), JSON (the complete run), HTML (a self-contained page) or PDF."
    )
    .argument('<run>', 'run id (see dvsync runs)')
    .option('--format <format>', 'csv, json, html or pdf (default: from the --out file name)')
    .requiredOption('--out <file>', 'file to write (replaced when complete)')
    .option(
      '--max-records <n>',
      'records in an HTML page or PDF (default 2000 for HTML, 500 for PDF; CSV and JSON have all)',
      (v: string) => {
        const n = Number(v)
        if (!Number.isInteger(n) || n < 0)
          throw new CliError(`--max-records must be a whole number, 0 or more (got '${v}').`)
        return n
      }
    )
    .option(
      '--chromium <path>',
      'the Chromium, Chrome or Edge to print a PDF with (or DVSYNC_CHROMIUM)'
    )
    .action(async (run: string, flags: ReportFlags) => {
      const id = Number(run)
      if (!Number.isInteger(id) || id < 1)
        throw new CliError(`The run id must be a whole number (got '${run}'); see dvsync runs.`)
      let format: ReportFormat
      try {
        format = flags.format ? parseReportFormat(flags.format) : reportFormatOf(flags.out)
      } catch (err) {
        if (err instanceof ReportFormatError) throw new CliError(err.message)
        throw err
      }
      const services = await context.services()
      const file = resolve(flags.out)
      let result
      try {
        result = await exportRunReport(services.store, id, file, {
          format,
          ...(flags.maxRecords !== undefined ? { maxRecords: flags.maxRecords } : {}),
          ...(format === 'pdf'
            ? { printer: chromiumPrinter(flags.chromium ? { executablePath: flags.chromium } : {}) }
            : {})
        })
      } catch (err) {
        // Nothing was written: an unknown run, or no browser to print with, is the caller's to fix.
        if (err instanceof UnknownRunError || err instanceof PdfPrinterUnavailableError)
          throw new CliError(err.message)
        throw err
      }
      context.output.result(result, () =>
        [
          `Wrote the ${format.toUpperCase()} report of run ${id} to ${result.file} (${count(result.bytes)} bytes).`,
          result.records < result.totalRecords
            ? `It shows ${count(result.records)} of the run's ${plural(result.totalRecords, 'record')}; the CSV and JSON reports have all of them.`
            : ''
        ]
          .filter(Boolean)
          .join('\n')
      )
    })
}
