import { Dropdown, Field, Option } from '@fluentui/react-components'
import type { TableDetailsView } from '../../../../src-shared/schemas/metadata'
import type { MatchKey } from '../../../../src-shared/schemas/push'

const PRIMARY = '#id'

/**
 * How source rows find their records: one of the table's alternate keys (only Active ones can
 * match; others are listed with their status) or the record id.
 */
export function KeyPicker({
  table,
  value,
  onChange,
  error
}: {
  table: TableDetailsView
  value: MatchKey
  onChange(key: MatchKey): void
  error: string | undefined
}): React.JSX.Element {
  const selected =
    value.kind === 'primary'
      ? PRIMARY
      : (table.keys.find(
          (k) =>
            k.logicalName === value.name.toLowerCase() ||
            k.schemaName.toLowerCase() === value.name.toLowerCase() ||
            (!value.name && k.columns.join(',') === value.columns.join(','))
        )?.logicalName ?? '')
  const text = (logicalName: string): string => {
    if (logicalName === PRIMARY) return `Record id (${table.primaryIdAttribute})`
    const key = table.keys.find((k) => k.logicalName === logicalName)
    return key ? `${key.displayName} (${key.columns.join(', ')})` : ''
  }
  return (
    <Field
      label="Match records by"
      required
      validationMessage={error}
      hint="An Active alternate key whose columns are all mapped; rows and records with the same key values are the same record."
    >
      <Dropdown
        data-testid="key-picker"
        placeholder={table.keys.length ? 'Choose a key' : 'The table has no alternate key'}
        value={text(selected)}
        selectedOptions={selected ? [selected] : []}
        onOptionSelect={(_, d) => {
          if (d.optionValue === PRIMARY) return onChange({ kind: 'primary' })
          const key = table.keys.find((k) => k.logicalName === d.optionValue)
          if (key) onChange({ kind: 'alternate', name: key.logicalName, columns: [...key.columns] })
        }}
      >
        {table.keys.map((k) => (
          <Option
            key={k.logicalName}
            value={k.logicalName}
            text={text(k.logicalName)}
            disabled={k.status !== 'Active'}
          >
            {`${text(k.logicalName)}${k.status === 'Active' ? '' : ` — ${k.status}, not usable yet`}`}
          </Option>
        ))}
        <Option value={PRIMARY} text={text(PRIMARY)}>
          {text(PRIMARY)}
        </Option>
      </Dropdown>
    </Field>
  )
}
