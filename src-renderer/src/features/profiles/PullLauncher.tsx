import { Button, Caption1, makeStyles, tokens } from '@fluentui/react-components'
import { ArrowSyncRegular } from '@fluentui/react-icons'
import { useStartProfilePull } from '../../api/queries/pulls'
import { ErrorMessage } from '../../components/ErrorMessage'

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' }
})

/**
 * Run a pull profile now: its table with its columns, filed under the profile in the history
 * (as `dvsync pull --profile NAME` does). The Pulls screen then follows it with progress and
 * cancel.
 */
export function PullLauncher({
  profile,
  environmentId,
  table,
  disabled,
  hint,
  onStarted
}: {
  profile: string
  environmentId: number
  table: string
  disabled?: boolean
  /** Why it is disabled. */
  hint?: string
  onStarted(runId: number): void
}): React.JSX.Element {
  const styles = useStyles()
  const start = useStartProfilePull()
  const run = (): void =>
    start.mutate({ environmentId, table, profile }, { onSuccess: ({ runId }) => onStarted(runId) })
  return (
    <div className={styles.root}>
      <div className={styles.row}>
        <Button
          appearance="primary"
          icon={<ArrowSyncRegular />}
          onClick={run}
          disabled={disabled || start.isPending}
          data-testid="pull-profile"
        >
          {start.isPending ? 'Starting the pull…' : 'Pull now'}
        </Button>
        {hint && <Caption1>{hint}</Caption1>}
      </div>
      {start.isError && (
        <ErrorMessage error={start.error} title="The pull did not start" onRetry={run} />
      )}
    </div>
  )
}
