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
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { TableDetailsView } from '../../../../src-shared/schemas/metadata'
import { isBuilding, keysQuery } from '../../api/queries/tables'
import { ErrorMessage, QueryError } from '../../components/ErrorMessage'
import { KeyStatusBadge } from '../../components/StatusBadges'
import { CreateKeyDialog } from './CreateKeyDialog'

const useStyles = makeStyles({
  section: { display: 'grid', gap: tokens.spacingVerticalS, marginBlock: tokens.spacingVerticalL },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  muted: { color: tokens.colorNeutralForeground2 }
})

/**
 * Alternate keys with their index status. While an index is being built the list is polled, so
 * a new key goes Pending → Building index → Active (or Failed) on screen by itself.
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
  const list = keys.data ?? []
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
              <TableHeaderCell>Index status</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.map((k) => (
              <TableRow key={k.logicalName} data-testid={`key-${k.schemaName}`}>
                <TableCell>
                  {k.displayName === k.schemaName
                    ? k.schemaName
                    : `${k.displayName} (${k.schemaName})`}
                </TableCell>
                <TableCell>{k.columns.join(' + ')}</TableCell>
                <TableCell>
                  <KeyStatusBadge status={k.status} />
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
                `The index of key ${k.schemaName} failed: the table holds records with the same ${k.columns.join(' + ')}. Remove the duplicates, then reactivate the key.`
              )
            }
            title={`Key ${k.schemaName} can’t be used`}
            code="PRECONDITION"
          />
        ))}
      <QueryError query={keys} title="Could not read the keys" />
      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        environmentId={environmentId}
        table={table}
      />
    </section>
  )
}
