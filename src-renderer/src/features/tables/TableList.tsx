import { Caption1, makeStyles, tokens } from '@fluentui/react-components'
import type { TableView } from '../../../../src-shared/schemas/metadata'
import { count } from '../../components/format'
import { TrackingBadge } from '../../components/StatusBadges'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const useStyles = makeStyles({
  name: { display: 'flex', flexDirection: 'column', lineHeight: tokens.lineHeightBase200 },
  muted: { color: tokens.colorNeutralForeground2 }
})

/** The environment's tables (hundreds in a real one), virtualised. */
export function TableList({
  tables,
  total,
  selected,
  onSelect
}: {
  tables: TableView[]
  total: number
  selected: string | undefined
  onSelect(table: string): void
}): React.JSX.Element {
  const styles = useStyles()
  const columns: GridColumn<TableView>[] = [
    {
      id: 'name',
      header: 'Table',
      width: 'minmax(10rem, 2fr)',
      render: (t) => (
        <span className={styles.name}>
          <span>{t.displayName}</span>
          <Caption1 className={styles.muted}>{t.logicalName}</Caption1>
        </span>
      )
    },
    {
      id: 'tracking',
      header: 'Change tracking',
      width: '8.5rem',
      render: (t) => (
        <TrackingBadge enabled={t.changeTrackingEnabled} possible={t.canChangeTrackingBeEnabled} />
      )
    },
    {
      id: 'keys',
      header: 'Keys',
      width: '5.5rem',
      render: (t) => {
        const building = t.keys.filter((k) => k.status !== 'Active').length
        if (t.keys.length === 0) return 'None'
        return `${t.keys.length}${building ? ` (${building} not active)` : ''}`
      }
    },
    {
      id: 'mirror',
      header: 'Mirrored',
      width: '5.5rem',
      render: (t) => (t.mirror ? count(t.mirror.rowCount) : '—')
    }
  ]
  return (
    <VirtualGrid
      label={`Tables (${count(tables.length)} of ${count(total)})`}
      testId="table-list"
      rows={tables}
      columns={columns}
      rowKey={(t) => t.logicalName}
      selectedKey={selected}
      onSelect={(t) => onSelect(t.logicalName)}
      rowHeight={48}
      minWidth="30rem"
    />
  )
}
