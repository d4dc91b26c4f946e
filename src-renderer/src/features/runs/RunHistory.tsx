import { Badge, makeStyles, tokens } from '@fluentui/react-components'
import type { RunSummary } from '../../../../src-shared/schemas/runs'
import { compactDateTime, count, duration, shortDateTime } from '../../components/format'
import { RunStateBadge } from '../../components/StatusBadges'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const useStyles = makeStyles({
  profile: { color: tokens.colorNeutralForeground3 },
  problems: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold }
})

const KIND_COLORS = {
  pull: 'informative',
  plan: 'subtle',
  apply: 'brand',
  undo: 'warning'
} as const

const columns: GridColumn<RunSummary>[] = [
  { id: 'run', header: 'Run', width: '2.75rem', render: (r) => r.runId },
  {
    id: 'kind',
    header: 'Kind',
    width: '4.25rem',
    render: (r) => (
      <Badge appearance="tint" color={KIND_COLORS[r.kind]}>
        {r.kind}
      </Badge>
    )
  },
  {
    id: 'table',
    header: 'Table · profile',
    width: 'minmax(6rem, 1.4fr)',
    render: (r) => <TableAndProfile run={r} />
  },
  {
    id: 'started',
    header: 'Started',
    width: 'minmax(4.5rem, 0.8fr)',
    render: (r) => <span title={shortDateTime(r.startedAt)}>{compactDateTime(r.startedAt)}</span>
  },
  {
    id: 'duration',
    header: 'Took',
    width: '4rem',
    render: (r) => (r.durationMs === null ? '—' : duration(r.durationMs))
  },
  {
    id: 'state',
    header: 'State',
    width: '6.25rem',
    render: (r) => <RunStateBadge state={r.state} />
  },
  {
    id: 'records',
    header: 'Records',
    width: '6rem',
    render: (r) => <RecordsAndProblems run={r} />
  }
]

/** The table, and the profile the run was made with (muted), in one cell: the grid stays narrow. */
function TableAndProfile({ run }: { run: RunSummary }): React.JSX.Element {
  const styles = useStyles()
  const title = [run.table, run.profileName].filter(Boolean).join(' · ')
  return (
    <span title={title || undefined}>
      {run.table ?? '—'}
      {run.profileName && <span className={styles.profile}> · {run.profileName}</span>}
    </span>
  )
}

/** Records the run touched, and in red how many failed or conflicted (none: nothing shown). */
function RecordsAndProblems({ run }: { run: RunSummary }): React.JSX.Element {
  const styles = useStyles()
  return (
    <span>
      {count(run.records)}
      {run.problems > 0 && (
        <span className={styles.problems} title={`${count(run.problems)} failed or in conflict`}>
          {' '}
          ({count(run.problems)})
        </span>
      )}
    </span>
  )
}

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
      minWidth="40rem"
    />
  )
}
