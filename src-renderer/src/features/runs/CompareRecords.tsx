import { Badge, makeStyles } from '@fluentui/react-components'
import type { RunComparison } from '../../../../src-shared/schemas/runs'
import { count } from '../../components/format'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

type Difference = RunComparison['records']['items'][number]
type Side = Difference['a']

const useStyles = makeStyles({
  // The grid scrolls inside the dialog; the dialog itself keeps its buttons in view.
  frame: { display: 'flex', flexDirection: 'column', height: '16rem', marginTop: '0.75rem' }
})

const DIFFERENCE_COLORS = {
  'only-in-a': 'warning',
  'only-in-b': 'informative',
  different: 'brand'
} as const

/** What a run did to the record: its action, outcome and Dataverse's error, if any. */
const sideText = (side: Side): string =>
  side === null
    ? '—'
    : [side.action, side.outcome, side.error]
        .filter((part) => part !== null && part !== '')
        .join(' · ')

/**
 * The records two runs treated differently, one row per record (by key, or id when the table
 * has no key): only in one run, or in both with another action, outcome, error or values — the
 * columns whose values differ are named. Read a page at a time as the list scrolls.
 */
export function CompareRecords({
  a,
  b,
  items,
  total,
  onNearEnd
}: {
  a: number
  b: number
  items: readonly Difference[]
  total: number
  onNearEnd(): void
}): React.JSX.Element {
  const styles = useStyles()
  const label = {
    'only-in-a': `only in run ${a}`,
    'only-in-b': `only in run ${b}`,
    different: 'different'
  }
  const columns: GridColumn<Difference>[] = [
    { id: 'record', header: 'Record', width: 'minmax(7rem, 1.2fr)', render: (d) => d.record },
    {
      id: 'difference',
      header: 'Difference',
      width: '8rem',
      render: (d) => (
        <Badge appearance="tint" color={DIFFERENCE_COLORS[d.difference]}>
          {label[d.difference]}
        </Badge>
      )
    },
    { id: 'a', header: `Run ${a}`, width: 'minmax(6rem, 1fr)', render: (d) => sideText(d.a) },
    { id: 'b', header: `Run ${b}`, width: 'minmax(6rem, 1fr)', render: (d) => sideText(d.b) },
    {
      id: 'columns',
      header: 'Columns that differ',
      width: 'minmax(6rem, 1fr)',
      render: (d) => (d.columns.length ? d.columns.join(', ') : '—')
    }
  ]
  return (
    <div className={styles.frame}>
      <VirtualGrid
        label={`Records that differ (${count(total)})`}
        testId="compare-records"
        rows={items}
        total={total}
        columns={columns}
        rowKey={(d) => `${d.difference}:${d.record}`}
        onNearEnd={onNearEnd}
        minWidth="38rem"
      />
    </div>
  )
}
