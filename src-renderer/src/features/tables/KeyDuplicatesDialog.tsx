import {
  Button,
  Caption1,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { ArrowSyncRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import type { KeyView, TableDetailsView } from '../../../../src-shared/schemas/metadata'
import { usePullProgress } from '../../api/progress-store'
import { useStartPull } from '../../api/queries/pulls'
import { keyDuplicatesQuery, useReactivateKey } from '../../api/queries/tables'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, dateTime, plural, value } from '../../components/format'

const useStyles = makeStyles({
  // Room for the values, the counts and the record ids side by side, never wider than the window.
  surface: { maxWidth: 'min(52rem, 95vw)' },
  content: { display: 'grid', gap: tokens.spacingVerticalM },
  scroll: { maxHeight: '22rem', overflow: 'auto' },
  ids: {
    display: 'grid',
    whiteSpace: 'nowrap',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    paddingBlock: tokens.spacingVerticalXXS
  },
  // A GUID on one line in the ids column; the count narrow and right-aligned.
  idsColumn: { width: '20rem' },
  recordsColumn: { width: '6rem' },
  number: { textAlign: 'end' },
  headerEnd: { width: '100%', textAlign: 'end' },
  muted: { color: tokens.colorNeutralForeground2 }
})

/**
 * Why a key's index failed: the values several records share in its columns, read from the
 * table's mirror (so as of its last pull), with a pull here when there is none or it is stale,
 * and Reactivate once nothing is duplicated any more.
 */
export function KeyDuplicatesDialog({
  open,
  onClose,
  environmentId,
  table,
  keyView
}: {
  open: boolean
  onClose(): void
  environmentId: number
  table: TableDetailsView
  keyView: KeyView
}): React.JSX.Element {
  const styles = useStyles()
  const duplicates = useQuery({
    ...keyDuplicatesQuery(environmentId, table.logicalName, keyView.schemaName),
    enabled: open
  })
  const startPull = useStartPull(environmentId, table.logicalName)
  const progress = usePullProgress(environmentId, table.logicalName)
  const reactivate = useReactivateKey(environmentId, table.logicalName)
  const pulling = startPull.isPending || progress?.state === 'running'
  const found = duplicates.data
  const labelOf = (column: string): string =>
    table.columns.find((c) => c.logicalName === column)?.displayName ?? column
  const close = (): void => {
    startPull.reset()
    reactivate.reset()
    onClose()
  }
  const pullButton = (label: string, primary: boolean): React.JSX.Element => (
    <Button
      appearance={primary ? 'primary' : 'secondary'}
      icon={pulling ? <Spinner size="tiny" /> : <ArrowSyncRegular />}
      disabledFocusable={pulling}
      onClick={() => startPull.mutate(false)}
    >
      {pulling ? 'Pulling…' : label}
    </Button>
  )
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && close()}>
      <DialogSurface className={styles.surface} data-testid="key-duplicates">
        <DialogBody>
          <DialogTitle>
            Duplicates of key {keyView.schemaName} on {table.displayName}
          </DialogTitle>
          <DialogContent className={styles.content}>
            {duplicates.isPending && <Spinner label="Reading the mirror…" />}
            {duplicates.isError && (
              <ErrorMessage error={duplicates.error} title="The duplicates can’t be listed yet" />
            )}
            {found && found.duplicates.length > 0 && (
              <>
                <Text as="p">
                  {found.more ? 'The most repeated values' : 'Values'} of{' '}
                  {keyView.columns.map(labelOf).join(' + ')} that more than one record holds, as of
                  the pull on {dateTime(found.mirroredAt)}. Text is compared regardless of case, as
                  the key’s index does. Change or remove all but one record of each in Dataverse,
                  pull again, then reactivate the key.
                </Text>
                <div className={styles.scroll}>
                  <Table size="small" aria-label={`Duplicated values of ${keyView.schemaName}`}>
                    <TableHeader>
                      <TableRow>
                        {keyView.columns.map((c) => (
                          <TableHeaderCell key={c}>{labelOf(c)}</TableHeaderCell>
                        ))}
                        <TableHeaderCell className={styles.recordsColumn}>
                          <span className={styles.headerEnd}>Records</span>
                        </TableHeaderCell>
                        <TableHeaderCell className={styles.idsColumn}>Record ids</TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {found.duplicates.map((d) => (
                        <TableRow key={d.ids.join(',')} data-testid="duplicate-value">
                          {d.values.map((v, i) => (
                            <TableCell key={keyView.columns[i] ?? i}>{value(v)}</TableCell>
                          ))}
                          <TableCell className={styles.number} data-testid="duplicate-records">
                            {count(d.records)}
                          </TableCell>
                          <TableCell>
                            <div className={styles.ids}>
                              {d.ids.map((id) => (
                                <span key={id}>{id}</span>
                              ))}
                              {d.records > d.ids.length && (
                                <span className={styles.muted}>
                                  and {plural(d.records - d.ids.length, 'more')}
                                </span>
                              )}
                            </div>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
                {found.more && (
                  <Caption1 className={styles.muted}>
                    More values are duplicated; the list shows the first {found.duplicates.length}.
                  </Caption1>
                )}
              </>
            )}
            {found && found.duplicates.length === 0 && (
              <MessageBar intent="success" layout="multiline" data-testid="no-duplicates">
                <MessageBarBody>
                  <MessageBarTitle>No duplicates in the mirror</MessageBarTitle>
                  No two records share {keyView.columns.map(labelOf).join(' + ')} as of the pull on{' '}
                  {dateTime(found.mirroredAt)}.{' '}
                  {keyView.status === 'Failed'
                    ? 'Reactivate the key to build its index again.'
                    : ''}
                </MessageBarBody>
              </MessageBar>
            )}
            {startPull.isError && (
              <ErrorMessage error={startPull.error} title="The pull did not start" />
            )}
            {/* Only the pull started here: an older one's failure is the Pulls screen's news. */}
            {progress?.state === 'failed' && progress.runId === startPull.data?.runId && (
              <ErrorMessage
                error={new Error(progress.message ?? 'The pull failed.')}
                title="The pull failed"
                code="DATAVERSE"
              />
            )}
            {reactivate.isError && (
              <ErrorMessage error={reactivate.error} title="The key was not reactivated" />
            )}
          </DialogContent>
          <DialogActions>
            {/*
              Always there, in one place: the list goes back to loading while it is read again
              after a pull, and a button that came and went would take the focus with it.
            */}
            {pullButton(found ? 'Pull again' : `Pull ${table.logicalName} now`, !found)}
            {found && found.duplicates.length === 0 && keyView.status === 'Failed' && (
              <Button
                appearance="primary"
                disabled={reactivate.isPending}
                onClick={() => reactivate.mutate(keyView.schemaName, { onSuccess: close })}
              >
                {reactivate.isPending ? 'Reactivating…' : 'Reactivate key'}
              </Button>
            )}
            <Button
              appearance={found && found.duplicates.length > 0 ? 'primary' : 'secondary'}
              onClick={close}
            >
              Close
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  )
}
