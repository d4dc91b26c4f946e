import {
  Button,
  Card,
  CardHeader,
  Field,
  ProgressBar,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { DismissRegular, PauseRegular, PlayRegular } from '@fluentui/react-icons'
import type { RunProgress } from '../../../../src-shared/schemas/pulls'
import { useApplyControl } from '../../api/queries/plans'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, duration } from '../../components/format'
import { RunStateBadge } from '../../components/StatusBadges'

const useStyles = makeStyles({
  card: { maxWidth: '48rem', flexShrink: 0 },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  figures: { color: tokens.colorNeutralForeground2 }
})

const COUNT_LABELS: [string, string][] = [
  ['created', 'created'],
  ['updated', 'updated'],
  ['deactivated', 'deactivated'],
  ['deleted', 'deleted'],
  ['failed', 'failed'],
  ['conflicts', 'conflicts'],
  ['skipped', 'excluded'],
  ['alreadyApplied', 'already applied']
]

/** An apply as it goes: done of total, rate, time left, throttling waits; pause, resume, cancel. */
export function ApplyProgressCard({ progress }: { progress: RunProgress }): React.JSX.Element {
  const styles = useStyles()
  const control = useApplyControl(progress.runId)
  const running = progress.state === 'running'
  const total = progress.total ?? 0
  const counts = COUNT_LABELS.filter(([k]) => progress.counts[k]).map(
    ([k, label]) => `${count(progress.counts[k]!)} ${label}`
  )
  const status = progress.paused
    ? 'Paused: the requests in flight finish, no new ones start.'
    : running
      ? `${count(progress.rate)} records/s${progress.etaMs !== null && progress.done < total ? `, about ${duration(progress.etaMs)} left` : ''}`
      : (progress.message ?? `Finished in ${duration(progress.elapsedMs)}.`)
  return (
    <Card
      className={styles.card}
      data-testid="apply-progress"
      data-run-id={progress.runId}
      data-state={progress.paused ? 'paused' : progress.state}
    >
      <CardHeader
        header={
          <Text weight="semibold">
            Apply run {progress.runId}: {progress.table ?? ''}
          </Text>
        }
        action={<RunStateBadge state={progress.state} />}
      />
      <Field validationState="none" validationMessage={status}>
        <ProgressBar
          aria-label={`Applying run ${progress.runId}`}
          value={total ? progress.done / total : running ? undefined : 1}
          color={progress.state === 'failed' ? 'error' : progress.paused ? 'warning' : 'brand'}
        />
      </Field>
      <Text data-testid="apply-figures" role="status">
        {count(progress.done)} of {count(total)} records
        {counts.length ? ` — ${counts.join(', ')}` : ''}
      </Text>
      <Text className={styles.figures} data-testid="apply-throttle">
        Waited {duration(progress.throttleWaitMs ?? 0)} for Dataverse’s throttling (429) so far.
      </Text>
      {running && (
        <div className={styles.row}>
          {progress.paused ? (
            <Button icon={<PlayRegular />} onClick={() => control.mutate('resume')}>
              Resume
            </Button>
          ) : (
            <Button icon={<PauseRegular />} onClick={() => control.mutate('pause')}>
              Pause
            </Button>
          )}
          <Button icon={<DismissRegular />} onClick={() => control.mutate('cancel')}>
            Cancel
          </Button>
        </div>
      )}
      {control.isError && <ErrorMessage error={control.error} title="The apply did not answer" />}
    </Card>
  )
}
