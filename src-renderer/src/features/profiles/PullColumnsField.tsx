import { Combobox, Field, Option } from '@fluentui/react-components'
import type { TableDetailsView } from '../../../../src-shared/schemas/metadata'

/** A pull profile's columns: the ones to mirror (none chosen: every readable column). */
export function PullColumnsField({
  table,
  columns,
  onChange,
  error
}: {
  table: TableDetailsView
  columns: string[]
  onChange(columns: string[]): void
  error: string | undefined
}): React.JSX.Element {
  const readable = table.columns.filter((c) => c.validForRead)
  return (
    <Field
      label="Columns to mirror"
      hint="None chosen: every column of the table. The primary id is always mirrored."
      validationMessage={error}
    >
      <Combobox
        multiselect
        placeholder="All columns"
        value={columns.join(', ')}
        selectedOptions={columns}
        onOptionSelect={(_, d) => onChange(d.selectedOptions)}
        data-testid="pull-columns"
      >
        {readable.map((c) => (
          <Option key={c.logicalName} value={c.logicalName} text={c.logicalName}>
            {c.displayName === c.logicalName
              ? c.logicalName
              : `${c.displayName} (${c.logicalName})`}
          </Option>
        ))}
      </Combobox>
    </Field>
  )
}
