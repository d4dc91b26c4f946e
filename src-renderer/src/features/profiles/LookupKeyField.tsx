import { Dropdown, Field, Option } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import type { ColumnView } from '../../../../src-shared/schemas/metadata'
import type { ColumnMapping } from '../../../../src-shared/schemas/push'
import { tableQuery } from '../../api/queries/tables'

/**
 * A lookup's source values are the referenced table's key values: which table (when the column
 * may point at several) and which of its Active single-column keys finds the record.
 */
export function LookupKeyField({
  environmentId,
  column,
  mapping,
  onChange,
  error
}: {
  environmentId: number
  column: ColumnView
  mapping: ColumnMapping
  onChange(lookup: ColumnMapping['lookup']): void
  error: string | undefined
}): React.JSX.Element {
  const target = mapping.lookup?.table ?? (column.targets.length === 1 ? column.targets[0] : '')
  const referenced = useQuery({ ...tableQuery(environmentId, target ?? ''), enabled: !!target })
  const keys = (referenced.data?.keys ?? []).filter(
    (k) => k.status === 'Active' && k.columns.length === 1
  )
  const chosen = keys.find((k) => k.columns[0] === mapping.lookup?.keyColumns[0])
  const keyLabel = (k: { displayName: string; columns: string[] }): string =>
    `${target}.${k.columns[0]} (${k.displayName})`
  return (
    <Field
      validationMessage={
        error ??
        (referenced.isSuccess && keys.length === 0
          ? `${target} has no Active single-column key to find records by.`
          : undefined)
      }
    >
      {column.targets.length > 1 && (
        <Dropdown
          aria-label={`Table ${column.logicalName} points at`}
          placeholder="Which table"
          value={target ?? ''}
          selectedOptions={target ? [target] : []}
          onOptionSelect={(_, d) =>
            d.optionValue && onChange({ table: d.optionValue, keyColumns: [] })
          }
        >
          {column.targets.map((t) => (
            <Option key={t} value={t}>
              {t}
            </Option>
          ))}
        </Dropdown>
      )}
      <Dropdown
        aria-label={`Find the ${target || 'referenced'} record of ${mapping.source} by`}
        placeholder={target ? 'Find by: its first key' : 'Choose the table first'}
        disabled={!target}
        value={chosen ? keyLabel(chosen) : ''}
        selectedOptions={chosen ? [chosen.logicalName] : []}
        onOptionSelect={(_, d) => {
          const key = keys.find((k) => k.logicalName === d.optionValue)
          if (key && target) onChange({ table: target, keyColumns: [...key.columns] })
        }}
      >
        {keys.map((k) => (
          <Option key={k.logicalName} value={k.logicalName} text={keyLabel(k)}>
            {keyLabel(k)}
          </Option>
        ))}
      </Dropdown>
    </Field>
  )
}
