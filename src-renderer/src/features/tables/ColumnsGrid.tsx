import { Badge, Caption1, Subtitle2, makeStyles, tokens } from '@fluentui/react-components'
import type { ColumnView, KeyView } from '../../../../src-shared/schemas/metadata'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const useStyles = makeStyles({
  section: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    height: '24rem'
  },
  name: { display: 'flex', flexDirection: 'column', lineHeight: tokens.lineHeightBase200 },
  muted: { color: tokens.colorNeutralForeground2 },
  tags: { display: 'flex', gap: tokens.spacingHorizontalXS }
})

function details(c: ColumnView): string {
  if (c.targets.length) return `→ ${c.targets.join(' | ')}`
  if (c.options.length) return c.options.map((o) => `${o.value} ${o.label}`).join(', ')
  if (c.maxLength !== null) return `max ${c.maxLength}`
  return ''
}

/** A table's columns with type, requirement, what can be written, and key membership. */
export function ColumnsGrid({
  columns,
  keys
}: {
  columns: ColumnView[]
  keys: KeyView[]
}): React.JSX.Element {
  const styles = useStyles()
  const inKey = new Set(keys.flatMap((k) => k.columns))
  const gridColumns: GridColumn<ColumnView>[] = [
    {
      id: 'name',
      header: 'Column',
      width: 'minmax(10rem, 2fr)',
      render: (c) => (
        <span className={styles.name}>
          <span>{c.displayName}</span>
          {c.displayName !== c.logicalName && (
            <Caption1 className={styles.muted}>{c.logicalName}</Caption1>
          )}
        </span>
      )
    },
    { id: 'type', header: 'Type', width: '7.5rem', render: (c) => c.type },
    {
      id: 'flags',
      header: 'Role',
      width: 'minmax(10rem, 1.5fr)',
      render: (c) => (
        <span className={styles.tags}>
          {c.isPrimaryId && (
            <Badge appearance="outline" size="small">
              Primary id
            </Badge>
          )}
          {c.isPrimaryName && (
            <Badge appearance="outline" size="small">
              Primary name
            </Badge>
          )}
          {inKey.has(c.logicalName) && (
            <Badge appearance="outline" size="small">
              Key
            </Badge>
          )}
          {c.requiredLevel !== 'None' && (
            <Badge appearance="outline" size="small">
              Required
            </Badge>
          )}
        </span>
      )
    },
    {
      id: 'write',
      header: 'Writable',
      width: '6.5rem',
      render: (c) =>
        c.validForCreate && c.validForUpdate
          ? 'Yes'
          : c.validForCreate
            ? 'On create'
            : c.validForUpdate
              ? 'On update'
              : 'No'
    },
    { id: 'details', header: 'Details', width: 'minmax(8rem, 2fr)', render: details }
  ]
  return (
    <section className={styles.section} aria-labelledby="columns-heading">
      <Subtitle2 as="h3" id="columns-heading">
        Columns ({columns.length})
      </Subtitle2>
      <VirtualGrid
        label="Columns"
        testId="columns-grid"
        rows={columns}
        columns={gridColumns}
        rowKey={(c) => c.logicalName}
        rowHeight={48}
        minWidth="40rem"
      />
    </section>
  )
}
