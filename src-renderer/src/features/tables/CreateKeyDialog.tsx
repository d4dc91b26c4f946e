import {
  Button,
  Combobox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Option,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useState } from 'react'
import type { TableDetailsView } from '../../../../src-shared/schemas/metadata'
import { IpcError } from '../../api/client'
import { useCreateKey } from '../../api/queries/tables'
import { ErrorMessage } from '../../components/ErrorMessage'

const useStyles = makeStyles({ form: { display: 'grid', gap: tokens.spacingVerticalM } })

/** Column types Dataverse accepts in an alternate key (reference §2.3). */
const KEY_TYPES = new Set([
  'String',
  'Integer',
  'BigInt',
  'Decimal',
  'DateTime',
  'Lookup',
  'Customer',
  'Owner',
  'Picklist'
])

/** A schema name to start from: the table's publisher prefix and the first column. */
function suggestName(table: TableDetailsView, columns: string[]): string {
  const prefix =
    table.isCustom && table.logicalName.includes('_') ? `${table.logicalName.split('_')[0]}_` : ''
  const first = (columns[0] ?? 'record').replace(/^[a-z]+_/, '')
  return `${prefix}${first.charAt(0).toUpperCase()}${first.slice(1)}Key`
}

/** Create an alternate key: its columns and name; Dataverse then builds its index. */
export function CreateKeyDialog({
  open,
  onClose,
  environmentId,
  table
}: {
  open: boolean
  onClose(): void
  environmentId: number
  table: TableDetailsView
}): React.JSX.Element {
  const styles = useStyles()
  const create = useCreateKey(environmentId, table.logicalName)
  const [columns, setColumns] = useState<string[]>([])
  const [schemaName, setSchemaName] = useState('')
  const [displayName, setDisplayName] = useState('')
  const candidates = table.columns.filter((c) => KEY_TYPES.has(c.type) && !c.isPrimaryId)
  const name = schemaName || suggestName(table, columns)
  const field = create.error instanceof IpcError ? create.error.field : undefined
  const close = (): void => {
    create.reset()
    setColumns([])
    setSchemaName('')
    setDisplayName('')
    onClose()
  }
  const submit = (event: React.FormEvent): void => {
    event.preventDefault()
    create.mutate(
      {
        schemaName: name,
        columns,
        ...(displayName.trim() ? { displayName: displayName.trim() } : {})
      },
      { onSuccess: close }
    )
  }
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && close()}>
      <DialogSurface>
        <form onSubmit={submit} data-testid="create-key-form">
          <DialogBody>
            <DialogTitle>Create an alternate key on {table.displayName}</DialogTitle>
            <DialogContent className={styles.form}>
              <Field
                label="Columns"
                required
                hint="Their values must be unique across the table; up to 16 columns."
                validationMessage={field?.startsWith('columns') ? create.error?.message : undefined}
              >
                <Combobox
                  multiselect
                  inlinePopup
                  placeholder="Choose columns"
                  selectedOptions={columns}
                  value={columns.join(', ')}
                  onOptionSelect={(_, d) => setColumns(d.selectedOptions)}
                >
                  {candidates.map((c) => (
                    <Option key={c.logicalName} value={c.logicalName} text={c.logicalName}>
                      {c.displayName === c.logicalName
                        ? c.logicalName
                        : `${c.displayName} (${c.logicalName})`}
                    </Option>
                  ))}
                </Combobox>
              </Field>
              <Field
                label="Schema name"
                required
                hint="Letters, digits and underscores, with the publisher prefix for custom tables."
                validationMessage={field === 'schemaName' ? create.error?.message : undefined}
              >
                <Input value={name} onChange={(_, d) => setSchemaName(d.value)} />
              </Field>
              <Field label="Display name">
                <Input value={displayName} onChange={(_, d) => setDisplayName(d.value)} />
              </Field>
              {create.isError && !field && (
                <ErrorMessage error={create.error} title="The key was not created" />
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="secondary" onClick={close}>
                Cancel
              </Button>
              <Button
                appearance="primary"
                type="submit"
                disabled={columns.length === 0 || create.isPending}
              >
                {create.isPending ? 'Creating…' : 'Create key'}
              </Button>
            </DialogActions>
          </DialogBody>
        </form>
      </DialogSurface>
    </Dialog>
  )
}
