import {
  Button,
  Caption1,
  Field,
  ProgressBar,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { DismissRegular, EyeRegular } from '@fluentui/react-icons'
import { usePlanProgress } from '../../api/progress-store'
import { useCancelPlan, useCreatePlan } from '../../api/queries/plans'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, plural } from '../../components/format'

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' }
})

/**
 * Preview a push profile: the plan is made (a delta pull, then every source row compared with
 * the mirror) with its progress shown, then the Preview screen opens on it. Nothing is written.
 */
export function PlanLauncher({
  profile,
  environmentId,
  table,
  disabled,
  hint,
  onPlanned
}: {
  profile: string
  environmentId: number
  table: string
  disabled?: boolean
  /** Why it is disabled. */
  hint?: string
  onPlanned(planId: number): void
}): React.JSX.Element {
  const styles = useStyles()
  const create = useCreatePlan()
  const cancel = useCancelPlan()
  const progress = usePlanProgress(environmentId, table)
  const start = (): void =>
    create.mutate({ from: 'profile', profile }, { onSuccess: (plan) => onPlanned(plan.planId) })
  return (
    <div className={styles.root}>
      <div className={styles.row}>
        <Button
          icon={<EyeRegular />}
          onClick={start}
          disabled={disabled || create.isPending}
          data-testid="preview-profile"
        >
          Preview the push
        </Button>
        {create.isPending && (
          <Button icon={<DismissRegular />} onClick={() => cancel.mutate({ environmentId, table })}>
            Cancel
          </Button>
        )}
        {hint && <Caption1>{hint}</Caption1>}
      </div>
      {create.isPending && (
        <Field
          validationState="none"
          validationMessage={
            progress?.state === 'running'
              ? `Compared ${plural(progress.done, 'row')} with Dataverse (${count(progress.rate)} rows/s)…`
              : 'Bringing the mirror up to date, then comparing the rows…'
          }
        >
          <ProgressBar aria-label={`Planning ${profile}`} data-testid="plan-progress" />
        </Field>
      )}
      {create.isError && (
        <ErrorMessage error={create.error} title="The preview could not be made" onRetry={start} />
      )}
    </div>
  )
}
