import { Dropdown, Field, Option, makeStyles } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { nameMatchKey } from '../../../../src-shared/model/metadata'
import type { ColumnView } from '../../../../src-shared/schemas/metadata'
import type { ColumnMapping } from '../../../../src-shared/schemas/push'
import { tableQuery } from '../../api/queries/tables'

const useStyles = makeStyles({
  // Fluent's dropdowns are at least 250px wide; here they share the mapping row's last column.
  fit: { minWidth: 0, width: '100%' }
})

type Lookup = NonNullable<ColumnMapping['lookup']>

/**
 * The source column that most likely holds a key column's values: the same name, ignoring case,
 * spaces and underscores (as "Suggest by name" maps), else the mapping's own source column.
 */
function guessSource(
  keyColumn: string,
  sourceColumns: readonly string[],
  fallback: string
): string {
  return sourceColumns.find((c) => nameMatchKey(c) === nameMatchKey(keyColumn)) ?? fallback
}

/**
 * A lookup's source values are the referenced table's key values: which table (when the column
 * may point at several) and which of its Active keys finds the record. A key of several columns
 * (e.g. first name + email) takes one source column per part: LookupKeyParts, below the row.
 */
export function LookupKeyField({
  environmentId,
  column,
  mapping,
  sourceColumns,
  onChange,
  error
}: {
  environmentId: number
  column: ColumnView
  mapping: ColumnMapping
  sourceColumns: readonly string[]
  onChange(lookup: ColumnMapping['lookup']): void
  error: string | undefined
}): React.JSX.Element {
  const styles = useStyles()
  const target = mapping.lookup?.table ?? (column.targets.length === 1 ? column.targets[0] : '')
  const referenced = useQuery({ ...tableQuery(environmentId, target ?? ''), enabled: !!target })
  const keys = (referenced.data?.keys ?? []).filter((k) => k.status === 'Active')
  const chosenColumns = mapping.lookup?.keyColumns ?? []
  const chosen = keys.find(
    (k) =>
      k.columns.length === chosenColumns.length && k.columns.every((c, i) => c === chosenColumns[i])
  )
  const keyLabel = (k: { displayName: string; columns: string[] }): string =>
    `${k.displayName} (${k.columns.join(' + ')})`
  const choose = (columns: readonly string[]): void => {
    if (!target) return
    const lookup: Lookup = { table: target, keyColumns: [...columns] }
    // One column: the mapping's own source column holds it. Several: one source column each.
    if (columns.length > 1)
      lookup.sourceColumns = columns.map((c, i) =>
        i === 0 ? mapping.source : guessSource(c, sourceColumns, mapping.source)
      )
    onChange(lookup)
  }
  return (
    <Field
      validationMessage={
        error ??
        (referenced.isSuccess && keys.length === 0
          ? `${target} has no Active key to find records by.`
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
        className={styles.fit}
        aria-label={`Find the ${target || 'referenced'} record of ${mapping.source} by`}
        placeholder={target ? 'Find by: its first key' : 'Choose the table first'}
        disabled={!target}
        value={chosen ? keyLabel(chosen) : ''}
        selectedOptions={chosen ? [chosen.logicalName] : []}
        onOptionSelect={(_, d) => {
          const key = keys.find((k) => k.logicalName === d.optionValue)
          if (key) choose(key.columns)
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
