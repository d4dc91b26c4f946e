import { Badge } from '@fluentui/react-components'
import type { RunSummary } from '../../../../src-shared/schemas/runs'
import { count, duration, shortDateTime } from '../../components/format'
import { RunStateBadge } from '../../components/StatusBadges'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const KIND_COLORS = {
  pull: 'informative',
  plan: 'subtle',
  apply: 'brand',
  undo: 'warning'
} as const

const columns: GridColumn<RunSummary>[] = [
  { id: 'run', header: 'Run', width: '3.5rem', render: (r) => r.runId },
  {
    id: 'kind',
    header: 'Kind',
    width: '4.5rem',
    render: (r) => (
      <Badge appearance="tint" color={KIND_COLORS[r.kind]}>
        {r.kind}
      </Badge>
    )
  },
  { id: 'table', header: 'Table', width: 'minmax(5rem, 1fr)', render: (r) => r.table ?? '—' },
  {
    id: 'profile',
    header: 'Profile',
    width: 'minmax(6rem, 1fr)',
    render: (r) => r.profileName ?? '—'
  },
  {
    id: 'started',
    header: 'Started',
    width: 'minmax(8rem, 1fr)',
    render: (r) => shortDateTime(r.startedAt)
  },
  {
    id: 'duration',
    header: 'Took',
    width: '4.5rem',
    render: (r) => (r.durationMs === null ? '—' : duration(r.durationMs))
  },
  {
    id: 'state',
    header: 'State',
    width: '6.5rem',
    render: (r) => <RunStateBadge state={r.state} />
  },
  { id: 'records', header: 'Records', width: '4.5rem', render: (r) => count(r.records) },
  { id: 'problems', header: 'Problems', width: '4.5rem', render: (r) => count(r.problems) }
]

/** The run history, newest first; the selected run's details are shown beside. */
export function RunHistory({
  runs,
  selected,
  onSelect
}: {
  runs: RunSummary[]
  selected: number | undefined
  onSelect(runId: number): void
}): React.JSX.Element {
  return (
    <VirtualGrid
      label={`Runs (${count(runs.length)})`}
      testId="run-history"
      rows={runs}
      columns={columns}
      rowKey={(r) => String(r.runId)}
      selectedKey={selected !== undefined ? String(selected) : undefined}
      onSelect={(r) => onSelect(r.runId)}
      minWidth="46rem"
    />
  )
}
