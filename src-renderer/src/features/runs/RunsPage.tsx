import { Spinner, Title2, makeStyles, tokens } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useEffect, useState } from 'react'
import type { Route } from '../../app/route'
import { seedProgress, useApplyProgress } from '../../api/progress-store'
import { activeAppliesQuery } from '../../api/queries/plans'
import { runsQuery, type RunFilter } from '../../api/queries/runs'
import { EmptyState } from '../../components/EmptyState'
import { QueryError } from '../../components/ErrorMessage'
import { ApplyProgressCard } from './ApplyProgressCard'
import { PruneDialog } from './PruneDialog'
import { RunCharts } from './RunCharts'
import { RunDetails } from './RunDetails'
import { RunFilters } from './RunFilters'
import { RunHistory } from './RunHistory'

const useStyles = makeStyles({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalL
  },
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 3fr) minmax(26rem, 2fr)',
    gap: tokens.spacingHorizontalL,
    flexGrow: 1,
    minHeight: '30rem'
  },
  pane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    minWidth: 0
  }
})

/** Runs: live applies, the history with filters and charts, and a run's details. */
export function RunsPage({
  environmentId,
  runId,
  onChange
}: {
  environmentId: number | undefined
  runId: number | undefined
  onChange(change: Partial<Route>): void
}): React.JSX.Element {
  const styles = useStyles()
  const [filter, setFilter] = useState<RunFilter>({})
  const deferred = useDeferredValue(filter)
  const scoped: RunFilter = { ...deferred, ...(environmentId ? { environmentId } : {}) }
  const runs = useQuery(runsQuery(scoped))
  const active = useQuery(activeAppliesQuery).data
  useEffect(() => {
    if (active) seedProgress(active)
  }, [active])
  // Applies running now (the one shown in the details has its card there).
  const running = useApplyProgress().filter((p) => p.state === 'running' && p.runId !== runId)
  return (
    <>
      <Title2 as="h1">Runs</Title2>
      {running.map((p) => (
        <ApplyProgressCard key={p.runId} progress={p} />
      ))}
      <div className={styles.toolbar}>
        <RunFilters filter={filter} onChange={setFilter} />
        <PruneDialog />
      </div>
      <RunCharts filter={scoped} />
      <div className={styles.layout}>
        <section className={styles.pane} aria-label="Run history">
          {runs.isPending && <Spinner label="Loading runs…" />}
          <QueryError query={runs} title="Could not load the runs" />
          {runs.data?.length === 0 && (
            <EmptyState title="No runs match">
              Pulls, plans, applies and undos are listed here as they happen.
            </EmptyState>
          )}
          {runs.data && runs.data.length > 0 && (
            <RunHistory
              runs={runs.data}
              selected={runId}
              onSelect={(id) => onChange({ runId: id })}
            />
          )}
        </section>
        <section className={styles.pane} aria-label="Run details">
          {runId ? (
            <RunDetails
              runId={runId}
              onOpenPlan={(planId) => onChange({ screen: 'preview', planId })}
            />
          ) : (
            <EmptyState title="Choose a run">
              Its counts, figures, records and report are shown here; an apply can be undone.
            </EmptyState>
          )}
        </section>
      </div>
    </>
  )
}
