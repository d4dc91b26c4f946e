import { Subtitle2 } from '@fluentui/react-components'
import type { PullRunView } from '../../../../src-shared/schemas/pulls'
import { EmptyState } from '../../components/EmptyState'
import { compactDateTime, count, shortDateTime } from '../../components/format'
import { RunStateBadge } from '../../components/StatusBadges'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const columns: GridColumn<PullRunView>[] = [
  {
    id: 'started',
    header: 'Started',
    width: 'minmax(4.5rem, 1fr)',
    render: (p) => <span title={shortDateTime(p.startedAt)}>{compactDateTime(p.startedAt)}</span>
  },
  { id: 'mode', header: 'Mode', width: '4rem', render: (p) => p.mode ?? '—' },
  {
    id: 'state',
    header: 'State',
    width: '6.5rem',
    render: (p) => <RunStateBadge state={p.state} />
  },
  {
    id: 'changes',
    header: 'Changes',
    width: 'minmax(7rem, 1.4fr)',
    render: (p) => `+${count(p.created)} ~${count(p.updated)} −${count(p.deleted)}`
  }
]

/** The pulls of the table, newest first; the selected one's changes are shown beside. */
export function PullHistory({
  pulls,
  selected,
  onSelect
}: {
  pulls: PullRunView[]
  selected: number | undefined
  onSelect(runId: number): void
}): React.JSX.Element {
  return (
    <>
      <Subtitle2 as="h2">Pulls</Subtitle2>
      {pulls.length === 0 ? (
        <EmptyState title="Not pulled yet" />
      ) : (
        <VirtualGrid
          label="Pulls"
          testId="pull-history"
          rows={pulls}
          columns={columns}
          rowKey={(p) => String(p.runId)}
          selectedKey={selected ? String(selected) : undefined}
          onSelect={(p) => onSelect(p.runId)}
          minWidth="25rem"
        />
      )}
    </>
  )
}
