import {
  Menu,
  MenuButton,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody
} from '@fluentui/react-components'
import { ArrowExportRegular } from '@fluentui/react-icons'
import { useExportChanges } from '../../api/queries/pulls'
import { ErrorMessage } from '../../components/ErrorMessage'
import { plural } from '../../components/format'

const FORMATS = [
  { format: 'csv', label: 'CSV (spreadsheets, ETL tools)' },
  { format: 'ndjson', label: 'NDJSON (one JSON record per line)' }
] as const

/**
 * Every change of a pull — created, updated and deleted records with their values, the changed
 * columns of updates — written for the system on the other side, whatever the filters show
 * (the same files as `dvsync changes --export`); then where it went, or why it could not.
 */
export function ChangesExport({ runId }: { runId: number }): React.JSX.Element {
  const exporter = useExportChanges(runId)
  const result = exporter.data
  return (
    <>
      <div>
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <MenuButton
              size="small"
              icon={<ArrowExportRegular />}
              disabled={exporter.isPending}
              data-testid="export-changes"
            >
              {exporter.isPending ? 'Exporting…' : 'Export changes'}
            </MenuButton>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              {FORMATS.map((f) => (
                <MenuItem key={f.format} onClick={() => exporter.mutate(f.format)}>
                  {f.label}
                </MenuItem>
              ))}
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>
      {result?.file && (
        <MessageBar intent="success" layout="multiline" data-testid="changes-written">
          <MessageBarBody>
            Wrote {plural(result.records, 'change')} as {result.format.toUpperCase()} to{' '}
            {result.file}.
          </MessageBarBody>
        </MessageBar>
      )}
      {exporter.isError && (
        <ErrorMessage error={exporter.error} title="The changes were not exported" />
      )}
    </>
  )
}
