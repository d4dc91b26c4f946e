import {
  Button,
  Caption1,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { EyeRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import { useRunProgress } from '../../api/progress-store'
import { runQuery } from '../../api/queries/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, dateTime, duration } from '../../components/format'
import { RunStateBadge } from '../../components/StatusBadges'
import { ApplyProgressCard } from './ApplyProgressCard'
import { CompareDialog } from './CompareDialog'
import { ReportExport } from './ReportExport'
import { RunItemsGrid } from './RunItemsGrid'
import { UndoButton } from './UndoButton'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    flexGrow: 1,
    // Everything keeps its height; the page scrolls (the records grid has its own).
    '& > *': { flexShrink: 0 }
  },
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(8rem, 1fr))',
    gap: tokens.spacingHorizontalS,
    margin: 0
  },
  fact: { display: 'flex', flexDirection: 'column' },
  term: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS }
})

const COUNTS: [string, string][] = [
  ['created', 'Created'],
  ['updated', 'Updated'],
  ['deactivated', 'Deactivated'],
  ['deleted', 'Deleted'],
  ['unchanged', 'Unchanged'],
  ['failed', 'Failed'],
  ['conflicts', 'Conflicts'],
  ['skipped', 'Skipped'],
  ['alreadyApplied', 'Already applied']
]

/** One run: what, where, who, how it went, its report, its records, and its undo. */
export function RunDetails({
  runId,
  onOpenPlan
}: {
  runId: number
  onOpenPlan(planId: number): void
}): React.JSX.Element {
  const styles = useStyles()
  const run = useQuery(runQuery(runId))
  const progress = useRunProgress(runId)
  if (run.isPending) return <Spinner label="Loading the run…" />
  if (run.isError)
    return (
      <ErrorMessage
        error={run.error}
        title={`Could not load run ${runId}`}
        onRetry={() => void run.refetch()}
      />
    )
  const r = run.data
  const facts: [string, string][] = [
    ...COUNTS.filter(([k]) => r.counts[k]).map(([k, label]): [string, string] => [
      label,
      count(r.counts[k]!)
    ]),
    ['Requests', count(r.figures['requests'] ?? 0)],
    ['Retries', count(r.figures['retries'] ?? 0)],
    ['Throttling waits', duration(r.figures['throttleWaitMs'] ?? 0)],
    ['Took', r.durationMs === null ? '—' : duration(r.durationMs)]
  ]
  const live =
    progress && r.kind === 'apply' && (progress.state === 'running' || r.state === 'running')
  return (
    <section
      className={styles.root}
      data-testid="run-details"
      data-run-id={runId}
      data-state={r.state}
    >
      <div className={styles.header}>
        <Subtitle2 as="h2">
          {r.kind.charAt(0).toUpperCase() + r.kind.slice(1)} run {r.runId}
          {r.table ? `: ${r.table}` : ''}
        </Subtitle2>
        <RunStateBadge state={r.state} />
      </div>
      <Caption1>
        {r.environmentName ?? '—'}
        {r.profileName ? ` · profile ${r.profileName}` : ''}
        {r.account ? ` · as ${r.account}` : ''} · started {dateTime(r.startedAt)}
        {r.undoes ? ` · undoes run ${r.undoes}` : ''}
        {r.undoneBy.length ? ` · undone by run ${r.undoneBy.join(', ')}` : ''}
      </Caption1>
      {live && progress && <ApplyProgressCard progress={progress} />}
      <dl className={styles.facts}>
        {facts.map(([term, text]) => (
          <div key={term} className={styles.fact}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.value}>{text}</dd>
          </div>
        ))}
      </dl>
      {r.message && <Text>{r.message}</Text>}
      {r.parts.length > 0 && (
        <Caption1 data-testid="run-parts">
          First brought the mirror up to date:{' '}
          {r.parts
            .map(
              (p) =>
                `${p.table ?? 'a table'} (${p.mode ?? 'pull'}, pull ${p.runId}): ${p.created + p.updated + p.deleted === 0 ? 'nothing changed' : `${count(p.created)} created, ${count(p.updated)} updated, ${count(p.deleted)} deleted`}`
            )
            .join('; ')}
          .
        </Caption1>
      )}
      <ReportExport runId={r.runId} />
      <div className={styles.actions}>
        {r.canUndo && <UndoButton run={r} onPlanned={onOpenPlan} />}
        {r.planId !== null && (
          <Button icon={<EyeRegular />} onClick={() => onOpenPlan(r.planId!)}>
            Open its plan
          </Button>
        )}
        {r.table && <CompareDialog run={r} />}
      </div>
      {r.itemsIn === 'journal' ? (
        <RunItemsGrid runId={r.runId} />
      ) : (
        <Text>This run’s records are the items of its plan: open it in the Preview.</Text>
      )}
    </section>
  )
}
