import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Text
} from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import type { KeyView, TableView } from '../../../../src-shared/schemas/metadata'
import { environmentsQuery } from '../../api/queries/environments'
import { useDeleteKey } from '../../api/queries/tables'
import { ErrorMessage } from '../../components/ErrorMessage'

/** Delete an alternate key, after a confirmation that says what stops working with it. */
export function DeleteKeyDialog({
  open,
  onClose,
  environmentId,
  table,
  keyView
}: {
  open: boolean
  onClose(): void
  environmentId: number
  table: TableView
  keyView: KeyView
}): React.JSX.Element {
  const remove = useDeleteKey(environmentId, table.logicalName)
  const environment = useQuery({
    ...environmentsQuery,
    select: (list) => list.find((e) => e.id === environmentId)?.name
  })
  const close = (): void => {
    remove.reset()
    onClose()
  }
  const columns = keyView.columns.join(' + ')
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && close()}>
      <DialogSurface data-testid="delete-key">
        <DialogBody>
          <DialogTitle>Delete key {keyView.schemaName}?</DialogTitle>
          <DialogContent>
            <Text as="p">
              The alternate key {keyView.schemaName} ({columns}) is removed from {table.displayName}{' '}
              in {environment.data ?? 'this environment'}. Pushes that match records by {columns},
              and lookups that find {table.displayName} records by it, stop working until a key on
              these columns is created again. The records themselves are not changed.
            </Text>
            {remove.isError && (
              <ErrorMessage error={remove.error} title="The key was not deleted" />
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={close}>
              Keep it
            </Button>
            <Button
              appearance="primary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(keyView.schemaName, { onSuccess: close })}
            >
              {remove.isPending ? 'Deleting…' : 'Delete key'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  )
}
