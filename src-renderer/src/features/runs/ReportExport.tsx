import {
  Button,
  MessageBar,
  MessageBarBody,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { DocumentArrowDownRegular } from '@fluentui/react-icons'
import { useExportReport } from '../../api/queries/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, plural } from '../../components/format'

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS }
})

const FORMATS = [
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'html', label: 'HTML' },
  { format: 'pdf', label: 'PDF' }
] as const

/** The run's report in any of four formats, written where the admin says in the save dialog. */
export function ReportExport({ runId }: { runId: number }): React.JSX.Element {
  const styles = useStyles()
  const report = useExportReport(runId)
  const result = report.data
  return (
    <>
      <div className={styles.row} role="group" aria-label="Export the report">
        <Text weight="semibold">Report:</Text>
        {FORMATS.map((f) => (
          <Button
            key={f.format}
            size="small"
            icon={<DocumentArrowDownRegular />}
            disabled={report.isPending}
            onClick={() => report.mutate(f.format)}
            data-testid={`report-${f.format}`}
          >
            {f.label}
          </Button>
        ))}
        {report.isPending && <Text>Writing the {report.variables?.toUpperCase()} report…</Text>}
      </div>
      {result?.file && (
        <MessageBar intent="success" layout="multiline" data-testid="report-written">
          <MessageBarBody>
            Wrote the {result.format.toUpperCase()} report to {result.file} ({count(result.bytes)}{' '}
            bytes
            {result.records < result.totalRecords
              ? `; it shows ${count(result.records)} of ${plural(result.totalRecords, 'record')}, the CSV and JSON have all`
              : ''}
            ).
          </MessageBarBody>
        </MessageBar>
      )}
      {report.isError && <ErrorMessage error={report.error} title="The report was not written" />}
    </>
  )
}
