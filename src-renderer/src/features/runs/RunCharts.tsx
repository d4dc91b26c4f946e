import { Spinner, makeStyles, tokens } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import type { TrendPoint } from '../../../../src-shared/schemas/runs'
import { trendQuery, type RunFilter } from '../../api/queries/runs'
import { BarChart, type Bar } from '../../components/BarChart'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, duration, shortDateTime } from '../../components/format'

const useStyles = makeStyles({
  charts: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    gap: tokens.spacingHorizontalM
  }
})

/** Records, duration and failures of the filtered runs over time. */
export function RunCharts({ filter }: { filter: RunFilter }): React.JSX.Element {
  const styles = useStyles()
  const trend = useQuery(trendQuery(filter))
  if (trend.isPending) return <Spinner size="tiny" label="Loading the charts…" />
  if (trend.isError)
    return (
      <ErrorMessage
        error={trend.error}
        title="Could not load the charts"
        onRetry={() => void trend.refetch()}
      />
    )
  const bars = (value: (p: TrendPoint) => number | null): Bar[] =>
    trend.data.map((p) => ({
      id: p.runId,
      label: `Run ${p.runId} (${p.kind}), ${shortDateTime(p.startedAt)}`,
      value: value(p),
      alert: p.status === 'failed' || p.problems > 0
    }))
  return (
    <div className={styles.charts} data-testid="run-charts">
      <BarChart
        title="Records per run"
        bars={bars((p) => p.records)}
        format={count}
        testId="chart-records"
      />
      <BarChart
        title="Duration"
        bars={bars((p) => p.durationMs)}
        format={duration}
        testId="chart-duration"
      />
      <BarChart
        title="Failures and conflicts"
        bars={bars((p) => p.problems + p.requestFailures)}
        format={count}
        testId="chart-failures"
      />
    </div>
  )
}
