import {
  Button,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  makeStyles,
  tokens,
  useRestoreFocusTarget
} from '@fluentui/react-components'
import { ArrowClockwiseRegular, DeleteRegular, DocumentSearchRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { TableDetailsView } from '../../../../src-shared/schemas/metadata'
import { isBuilding, keysQuery, useReactivateKey } from '../../api/queries/tables'
import { ErrorMessage, QueryError } from '../../components/ErrorMessage'
import { KeyStatusBadge } from '../../components/StatusBadges'
import { CreateKeyDialog } from './CreateKeyDialog'
import { DeleteKeyDialog } from './DeleteKeyDialog'
import { KeyDuplicatesDialog } from './KeyDuplicatesDialog'

const useStyles = makeStyles({
  section: { display: 'grid', gap: tokens.spacingVerticalS, marginBlock: tokens.spacingVerticalL },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  muted: { color: tokens.colorNeutralForeground2 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalXS },
  // The status and the actions keep their width; the names and columns share the rest.
  statusColumn: { width: '6.5rem' },
  actionsColumn: { width: '18rem' },
  // Schema names are long unbroken words: they wrap rather than run into the next column.
  name: { overflowWrap: 'anywhere' }
})

/**
 * Alternate keys with their index status. While an index is being built the list is polled, so
 * a new key goes Pending → Building index → Active (or Failed) on screen by itself. A Failed key
 * shows its duplicates and can be reactivated; any key can be deleted.
 */
export function KeysSection({
  environmentId,
  table
}: {
  environmentId: number
  table: TableDetailsView
}): React.JSX.Element {
  const styles = useStyles()
  const keys = useQuery({ ...keysQuery(environmentId, table.logicalName), initialData: table.keys })
  const [creating, setCreating] = useState(false)
  /** The open key dialog, by schema name: it shows the key as the polled list has it now. */
  const [dialog, setDialog] = useState<{ kind: 'duplicates' | 'delete'; key: string }>()
  const reactivate = useReactivateKey(environmentId, table.logicalName)
  const restoreFocus = useRestoreFocusTarget()
  const list = keys.data ?? []
  const open = list.find((k) => k.schemaName === dialog?.key)
  return (
    <section className={styles.section} aria-labelledby="keys-heading" data-testid="keys-section">
      <div className={styles.header}>
        <Subtitle2 as="h3" id="keys-heading">
          Alternate keys
        </Subtitle2>
        <Button size="small" onClick={() => setCreating(true)}>
          Create key…
        </Button>
      </div>
      {list.length === 0 ? (
        <Text className={styles.muted}>
          No alternate key yet. A push matches records by one, so it can update without knowing
          their ids.
        </Text>
      ) : (
        <Table aria-label="Alternate keys" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Key</TableHeaderCell>
              <TableHeaderCell>Columns</TableHeaderCell>
              <TableHeaderCell className={styles.statusColumn}>Index status</TableHeaderCell>
              <TableHeaderCell className={styles.actionsColumn}>Actions</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.map((k) => (
              <TableRow key={k.logicalName} data-testid={`key-${k.schemaName}`}>
                <TableCell className={styles.name}>
                  {k.displayName === k.schemaName
                    ? k.schemaName
                    : `${k.displayName} (${k.schemaName})`}
                </TableCell>
                <TableCell className={styles.name}>{k.columns.join(' + ')}</TableCell>
                <TableCell>
                  <KeyStatusBadge status={k.status} />
                </TableCell>
                <TableCell>
                  <div className={styles.actions}>
                    {k.status === 'Failed' && (
                      <>
                        <Button
                          size="small"
                          icon={<DocumentSearchRegular />}
                          aria-label={`Show duplicates of ${k.schemaName}`}
                          onClick={() => setDialog({ kind: 'duplicates', key: k.schemaName })}
                          {...restoreFocus}
                        >
                          Show duplicates
                        </Button>
                        <Button
                          size="small"
                          icon={<ArrowClockwiseRegular />}
                          aria-label={`Reactivate ${k.schemaName}`}
                          disabled={reactivate.isPending && reactivate.variables === k.schemaName}
                          onClick={() => reactivate.mutate(k.schemaName)}
                        >
                          Reactivate
                        </Button>
                      </>
                    )}
                    <Tooltip content={`Delete key ${k.schemaName}…`} relationship="label">
                      <Button
                        size="small"
                        appearance="subtle"
                        icon={<DeleteRegular />}
                        onClick={() => setDialog({ kind: 'delete', key: k.schemaName })}
                        {...restoreFocus}
                      />
                    </Tooltip>
                  </div>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {list.some(isBuilding) && (
        <Text role="status" className={styles.muted}>
          Dataverse is building an index; the status updates by itself.
        </Text>
      )}
      {list
        .filter((k) => k.status === 'Failed')
        .map((k) => (
          <ErrorMessage
            key={k.logicalName}
            error={
              new Error(
                `The index of key ${k.schemaName} failed: the table holds records with the same ${k.columns.join(' + ')}. Show duplicates (in its row) lists them; change or remove all but one of each in Dataverse, pull the table again, then Reactivate. Or delete the key.`
              )
            }
            title={`Key ${k.schemaName} can’t be used`}
            code="PRECONDITION"
          />
        ))}
      {reactivate.isError && (
        <ErrorMessage
          error={reactivate.error}
          title={`Key ${reactivate.variables} was not reactivated`}
          onRetry={() => reactivate.variables && reactivate.mutate(reactivate.variables)}
        />
      )}
      <QueryError query={keys} title="Could not read the keys" />
      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        environmentId={environmentId}
        table={table}
      />
      {open && (
        <KeyDuplicatesDialog
          open={dialog?.kind === 'duplicates'}
          onClose={() => setDialog(undefined)}
          environmentId={environmentId}
          table={table}
          keyView={open}
        />
      )}
      {open && (
        <DeleteKeyDialog
          open={dialog?.kind === 'delete'}
          onClose={() => setDialog(undefined)}
          environmentId={environmentId}
          table={table}
          keyView={open}
        />
      )}
    </section>
  )
}
