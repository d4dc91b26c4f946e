import { Caption1, Dropdown, Option, makeStyles, tokens } from '@fluentui/react-components'
import type { ColumnMapping } from '../../../../src-shared/schemas/push'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalXS,
    paddingInlineStart: tokens.spacingHorizontalL
  },
  part: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  picker: { minWidth: '10rem' }
})

/**
 * The source column of each part of a compound lookup key ("firstname from Contact First Name,
 * emailaddress1 from Contact Mail"): the referenced record is found by all of them together.
 */
export function LookupKeyParts({
  mapping,
  sourceColumns,
  onChange
}: {
  mapping: ColumnMapping
  sourceColumns: readonly string[]
  onChange(lookup: ColumnMapping['lookup']): void
}): React.JSX.Element | null {
  const styles = useStyles()
  const lookup = mapping.lookup
  if (!lookup?.sourceColumns || lookup.keyColumns.length < 2) return null
  const setPart = (index: number, source: string): void =>
    onChange({
      ...lookup,
      sourceColumns: lookup.sourceColumns!.map((s, i) => (i === index ? source : s))
    })
  return (
    <div className={styles.root} data-testid="lookup-key-parts">
      <Caption1>Find {lookup.table} by</Caption1>
      {lookup.keyColumns.map((keyColumn, i) => (
        <div key={keyColumn} className={styles.part}>
          <Caption1>{keyColumn} from</Caption1>
          <Dropdown
            className={styles.picker}
            size="small"
            aria-label={`Source column for ${lookup.table}.${keyColumn}`}
            value={lookup.sourceColumns![i] ?? ''}
            selectedOptions={[lookup.sourceColumns![i] ?? '']}
            onOptionSelect={(_, d) => d.optionValue && setPart(i, d.optionValue)}
          >
            {sourceColumns.map((c) => (
              <Option key={c} value={c}>
                {c}
              </Option>
            ))}
          </Dropdown>
        </div>
      ))}
    </div>
  )
}
