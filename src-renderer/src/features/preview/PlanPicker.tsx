import { Badge } from '@fluentui/react-components'
import type { PlanView } from '../../../../src-shared/schemas/plans'
import { count, plural, shortDateTime } from '../../components/format'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const columns: GridColumn<PlanView>[] = [
  { id: 'plan', header: 'Plan', width: '4rem', render: (p) => p.planId },
  {
    id: 'kind',
    header: 'Kind',
    width: '5rem',
    render: (p) => (
      <Badge appearance="tint" color={p.kind === 'undo' ? 'warning' : 'brand'}>
        {p.kind === 'undo' ? 'Undo' : 'Push'}
      </Badge>
    )
  },
  { id: 'table', header: 'Table', width: 'minmax(6rem, 1fr)', render: (p) => p.table },
  {
    id: 'profile',
    header: 'Profile',
    width: 'minmax(6rem, 1fr)',
    render: (p) => p.profileName ?? '—'
  },
  {
    id: 'made',
    header: 'Made',
    width: 'minmax(8rem, 1fr)',
    render: (p) => shortDateTime(p.createdAt)
  },
  { id: 'status', header: 'Status', width: '6rem', render: (p) => p.status },
  {
    id: 'counts',
    header: 'Changes',
    width: 'minmax(12rem, 1.4fr)',
    render: (p) => (
      <>
        {`+${count(p.counts.create ?? 0)} ~${count(p.counts.update ?? 0)} −${count((p.counts.deactivate ?? 0) + (p.counts.delete ?? 0))}`}
        {/* A plan that clears a column in many rows says so before it is opened. */}
        {p.warnings.length > 0 && (
          <>
            {' '}
            <Badge appearance="tint" color="warning" data-testid="plan-warning-count">
              {plural(p.warnings.length, 'warning')}
            </Badge>
          </>
        )}
      </>
    )
  }
]

/** Recent plans, to open one in the Preview. */
export function PlanPicker({
  plans,
  onOpen
}: {
  plans: PlanView[]
  onOpen(planId: number): void
}): React.JSX.Element {
  return (
    <VirtualGrid
      label="Recent plans"
      testId="plan-list"
      rows={plans}
      columns={columns}
      rowKey={(p) => String(p.planId)}
      onSelect={(p) => onOpen(p.planId)}
      minWidth="40rem"
    />
  )
}
