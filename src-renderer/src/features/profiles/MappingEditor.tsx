import {
  Button,
  Caption1,
  Combobox,
  Dropdown,
  Field,
  Input,
  Option,
  Subtitle2,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { AddRegular, DeleteRegular, LightbulbRegular } from '@fluentui/react-icons'
import type { ColumnView, TableDetailsView } from '../../../../src-shared/schemas/metadata'
import type { ColumnMapping, PushSettings } from '../../../../src-shared/schemas/push'
import { EmptyRuleMenu } from './EmptyRuleMenu'
import { LookupKeyField } from './LookupKeyField'
import { LookupKeyParts } from './LookupKeyParts'

const useStyles = makeStyles({
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalM },
  list: { display: 'grid', gap: tokens.spacingVerticalS },
  row: {
    display: 'grid',
    // Narrow minimums, so the row and its "If empty" button fit the editor's half of a 1366 px
    // window; the controls shrink to their cell (Fluent's own minimum is 250px, which overlapped
    // the next cell).
    gridTemplateColumns: 'minmax(8rem, 1fr) auto minmax(10rem, 1.4fr) minmax(7rem, 1fr) auto auto',
    alignItems: 'start',
    gap: tokens.spacingHorizontalS
  },
  // A compound lookup key's parts get a line of their own under the row.
  wide: { gridColumn: '1 / -1' },
  fit: { minWidth: 0, width: '100%' },
  // A long column name ends in … in the combobox's text (the option and the label name it whole).
  ellipsis: { minWidth: 0, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
  emptyValue: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    paddingInlineStart: tokens.spacingHorizontalM
  },
  // Lined up with the row's controls (the small menu button is shorter than a dropdown).
  rule: { paddingTop: tokens.spacingVerticalXXS },
  arrow: { paddingTop: tokens.spacingVerticalS, color: tokens.colorNeutralForeground3 },
  type: { paddingTop: tokens.spacingVerticalS, color: tokens.colorNeutralForeground2 }
})

const isLookup = (c: ColumnView | undefined): boolean =>
  c?.type === 'Lookup' || c?.type === 'Customer' || c?.type === 'Owner'

const writable = (c: ColumnView): boolean => c.validForCreate || c.validForUpdate || c.isPrimaryId

const label = (c: ColumnView): string =>
  c.displayName && c.displayName !== c.logicalName
    ? `${c.displayName} (${c.logicalName})`
    : c.logicalName

/** Source column → table column, with the column's type; lookups find records by a key. */
export function MappingEditor({
  environmentId,
  table,
  sourceColumns,
  mapping,
  onChange,
  onSuggest,
  suggesting,
  errorFor,
  profileEmpty
}: {
  environmentId: number
  table: TableDetailsView
  sourceColumns: readonly string[]
  mapping: ColumnMapping[]
  onChange(mapping: ColumnMapping[]): void
  onSuggest(): void
  suggesting: boolean
  errorFor(field: string): string | undefined
  /** The profile's rule for empty cells, which columns without a rule of their own follow. */
  profileEmpty: NonNullable<PushSettings['emptyValues']>
}): React.JSX.Element {
  const styles = useStyles()
  const targets = table.columns.filter(writable)
  const update = (index: number, change: Partial<ColumnMapping>): void =>
    onChange(
      mapping.map((m, i) => {
        if (i !== index) return m
        const next = { ...m, ...change }
        // A rule set back to the profile's, or a value no longer written: left out, not undefined.
        for (const k of ['empty', 'emptyDefault'] as const)
          if (next[k] === undefined) delete next[k]
        if ('target' in change && change.target !== m.target) delete next.lookup
        // The first part of a compound lookup key follows the row's source column.
        const parts = m.lookup?.sourceColumns
        if (change.source && parts && parts[0] === m.source)
          next.lookup = { ...m.lookup!, sourceColumns: [change.source, ...parts.slice(1)] }
        return next
      })
    )
  // A compound lookup key reads several source columns: those are mapped too.
  const used = new Set(mapping.flatMap((m) => m.lookup?.sourceColumns ?? [m.source]))
  mapping.forEach((m) => used.add(m.source))
  const unmapped = sourceColumns.filter((c) => !used.has(c))
  return (
    <section aria-labelledby="mapping-heading" data-testid="mapping-editor">
      <div className={styles.header}>
        <Subtitle2 as="h3" id="mapping-heading">
          Mapping
        </Subtitle2>
        <Button
          size="small"
          icon={<LightbulbRegular />}
          onClick={onSuggest}
          disabled={suggesting || sourceColumns.length === 0}
        >
          Suggest by name
        </Button>
        <Button
          size="small"
          icon={<AddRegular />}
          disabled={unmapped.length === 0}
          onClick={() => onChange([...mapping, { source: unmapped[0]!, target: '' }])}
        >
          Add column
        </Button>
      </div>
      {errorFor('mapping') && (
        <Field validationMessage={errorFor('mapping')}>
          <span />
        </Field>
      )}
      <div className={styles.list}>
        {mapping.map((m, i) => {
          const column = table.columns.find((c) => c.logicalName === m.target)
          return (
            <div key={i} className={styles.row} data-testid={`mapping-row-${i}`}>
              <Field validationMessage={errorFor(`mapping.${i}.source`)}>
                <Dropdown
                  className={styles.fit}
                  aria-label={`Source column of mapping ${i + 1}`}
                  value={m.source}
                  selectedOptions={[m.source]}
                  onOptionSelect={(_, d) => d.optionValue && update(i, { source: d.optionValue })}
                >
                  {sourceColumns.map((c) => (
                    <Option key={c} value={c}>
                      {c}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <span className={styles.arrow} aria-hidden>
                →
              </span>
              <Field validationMessage={errorFor(`mapping.${i}.target`)}>
                <Combobox
                  className={styles.fit}
                  input={{ className: styles.ellipsis }}
                  aria-label={`Table column for ${m.source}`}
                  value={column ? label(column) : m.target}
                  selectedOptions={m.target ? [m.target] : []}
                  placeholder="Choose a column"
                  onOptionSelect={(_, d) => d.optionValue && update(i, { target: d.optionValue })}
                >
                  {targets.map((c) => (
                    <Option key={c.logicalName} value={c.logicalName} text={label(c)}>
                      {label(c)}
                    </Option>
                  ))}
                </Combobox>
              </Field>
              {isLookup(column) ? (
                <LookupKeyField
                  environmentId={environmentId}
                  column={column!}
                  mapping={m}
                  sourceColumns={sourceColumns}
                  onChange={(lookup) => update(i, { lookup })}
                  error={errorFor(`mapping.${i}.lookup`)}
                />
              ) : (
                <Caption1 className={styles.type}>
                  {column
                    ? `${column.type}${column.maxLength ? ` (${column.maxLength})` : ''}${column.requiredLevel !== 'None' ? ', required' : ''}`
                    : ''}
                </Caption1>
              )}
              <div className={styles.rule}>
                <EmptyRuleMenu
                  mapping={m}
                  profileRule={profileEmpty}
                  onChange={(rule) => update(i, rule)}
                />
              </div>
              <Button
                appearance="subtle"
                icon={<DeleteRegular />}
                aria-label={`Remove the mapping of ${m.source}`}
                onClick={() => onChange(mapping.filter((_, j) => j !== i))}
              />
              {m.empty === 'default' && (
                <Field
                  className={styles.wide}
                  validationMessage={errorFor(`mapping.${i}.emptyDefault`)}
                >
                  <div className={styles.emptyValue}>
                    <Caption1 id={`empty-default-${i}`}>Written when {m.source} is empty:</Caption1>
                    <Input
                      size="small"
                      aria-labelledby={`empty-default-${i}`}
                      value={m.emptyDefault ?? ''}
                      placeholder="A value, read like the file's"
                      onChange={(_, d) => update(i, { emptyDefault: d.value })}
                    />
                  </div>
                </Field>
              )}
              {isLookup(column) && (
                <div className={styles.wide}>
                  <LookupKeyParts
                    mapping={m}
                    sourceColumns={sourceColumns}
                    onChange={(lookup) => update(i, { lookup })}
                  />
                </div>
              )}
            </div>
          )
        })}
      </div>
      {unmapped.length > 0 && (
        <Caption1>Not pushed (no column chosen): {unmapped.join(', ')}.</Caption1>
      )}
    </section>
  )
}
