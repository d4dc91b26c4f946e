import {
  Button,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  ProgressBar,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { ArrowSyncRegular, DismissRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import { useEffect } from 'react'
import { pullModeLabel } from '../../../../src-shared/model/run'
import type { TableView } from '../../../../src-shared/schemas/metadata'
import { seedProgress, usePullProgress } from '../../api/progress-store'
import { activePullsQuery, useCancelPull, useStartPull } from '../../api/queries/pulls'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, duration, plural } from '../../components/format'
import { RunStateBadge } from '../../components/StatusBadges'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    flexGrow: 1,
    minWidth: '24rem'
  },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS }
})

/** Run a pull, watch it page by page, cancel it; then how it ended. */
export function PullRunner({
  environmentId,
  table,
  onStarted,
  onEnableTracking
}: {
  environmentId: number
  table: TableView
  onStarted(runId: number): void
  onEnableTracking(): void
}): React.JSX.Element {
  const styles = useStyles()
  const start = useStartPull(environmentId, table.logicalName)
  const cancel = useCancelPull(environmentId, table.logicalName)
  const active = useQuery(activePullsQuery).data
  useEffect(() => {
    if (active) seedProgress(active)
  }, [active])
  const progress = usePullProgress(environmentId, table.logicalName)
  const running = progress?.state === 'running' || start.isPending
  const run = (full: boolean): void => {
    cancel.reset()
    start.mutate(full, { onSuccess: ({ runId }) => onStarted(runId) })
  }

  return (
    <div
      className={styles.root}
      data-testid="pull-runner"
      data-pull-state={running ? 'running' : (progress?.state ?? 'idle')}
    >
      {!table.changeTrackingEnabled && (
        // Admins may not be allowed to turn tracking on: pulls still work, by a full compare.
        <MessageBar intent="warning" data-testid="full-compare-note">
          <MessageBarBody>
            Change tracking is off for {table.displayName}: each pull reads every row and compares
            it with the mirror (a full compare, slower than a delta). Turn tracking on to pull only
            the changes.
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={onEnableTracking}>Go to the table</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <div className={styles.row}>
        <Button
          appearance="primary"
          icon={<ArrowSyncRegular />}
          disabled={running}
          onClick={() => run(false)}
        >
          {!table.changeTrackingEnabled
            ? 'Pull (full compare)'
            : table.mirror?.tracking
              ? 'Pull changes'
              : 'Pull'}
        </Button>
        <Button disabled={running || !table.mirror} onClick={() => run(true)}>
          Full resync
        </Button>
        {running && (
          <Button
            icon={<DismissRegular />}
            onClick={() => cancel.mutate()}
            disabled={cancel.isPending}
          >
            Cancel
          </Button>
        )}
        {progress && progress.state !== 'running' && <RunStateBadge state={progress.state} />}
      </div>
      {running && (
        <Field
          validationState="none"
          validationMessage={
            progress?.state === 'running'
              ? `Pull (${pullModeLabel(progress.mode)}): ${plural(progress.pages, 'page')}, ${plural(progress.done, 'row')} read — ${count(progress.counts['created'] ?? 0)} created, ${count(progress.counts['updated'] ?? 0)} updated, ${count(progress.counts['deleted'] ?? 0)} deleted — ${count(progress.rate)} rows/s`
              : 'Starting the pull…'
          }
        >
          <ProgressBar aria-label={`Pulling ${table.logicalName}`} data-testid="pull-progress" />
        </Field>
      )}
      {!running && progress && progress.state === 'completed' && (
        <Text role="status" data-testid="pull-summary">
          Pulled {plural(progress.done, 'row')} in {duration(progress.elapsedMs)} (
          {pullModeLabel(progress.mode)}): {count(progress.counts['created'] ?? 0)} created,{' '}
          {count(progress.counts['updated'] ?? 0)} updated, {count(progress.counts['deleted'] ?? 0)}{' '}
          deleted.
          {progress.message ? ` ${progress.message}` : ''}
        </Text>
      )}
      {!running && progress && (progress.state === 'failed' || progress.state === 'cancelled') && (
        <ErrorMessage
          error={new Error(progress.message ?? 'The pull stopped.')}
          code={progress.state === 'cancelled' ? 'CANCELLED' : 'DATAVERSE'}
          title={progress.state === 'cancelled' ? 'Pull cancelled' : 'The pull failed'}
          onRetry={() => run(false)}
        />
      )}
      {start.isError && (
        <ErrorMessage
          error={start.error}
          title="The pull did not start"
          onRetry={() => run(false)}
        />
      )}
      {cancel.isError && <ErrorMessage error={cancel.error} title="Could not cancel" />}
    </div>
  )
}
