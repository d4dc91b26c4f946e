import {
  Button,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useState } from 'react'
import type { PlanView } from '../../../../src-shared/schemas/plans'
import { useStartApply } from '../../api/queries/plans'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, plural, shortDateTime } from '../../components/format'
import { writesOf } from './plan-tabs'

const useStyles = makeStyles({
  list: { margin: 0, paddingInlineStart: tokens.spacingHorizontalXL },
  // Text is inline unless told: a warning is a paragraph of its own, under the counts.
  warning: {
    color: tokens.colorStatusWarningForeground1,
    marginBlockStart: tokens.spacingVerticalS
  }
})

/** The confirmation before anything is written: the counts, the table and the environment. */
export function ApplyDialog({
  plan,
  open,
  onClose,
  onStarted
}: {
  plan: PlanView
  open: boolean
  onClose(): void
  onStarted(runId: number): void
}): React.JSX.Element {
  const styles = useStyles()
  const start = useStartApply()
  const writes = writesOf(plan)
  const total = writes.create + writes.update + writes.deactivate + writes.delete
  const excluded = Object.values(plan.excluded).reduce((a, b) => a + b, 0)
  const environment = plan.environmentName ?? `environment ${plan.environmentId}`
  // Much of the table deleted or deactivated: a yes to that share, besides the confirmation.
  const massRemoval =
    plan.removals && plan.removals.percent > plan.removals.limitPercent ? plan.removals : null
  const [allowRemovals, setAllowRemovals] = useState(false)
  const close = (): void => {
    start.reset()
    setAllowRemovals(false)
    onClose()
  }
  return (
    <Dialog open={open} onOpenChange={(_, d) => !d.open && close()}>
      <DialogSurface aria-describedby="apply-summary">
        <DialogBody>
          <DialogTitle>
            Apply to {plan.table} in {environment}?
          </DialogTitle>
          <DialogContent id="apply-summary" data-testid="apply-summary">
            <Text as="p">
              {plural(total, 'record')} will be written to <strong>{plan.table}</strong> in the
              environment <strong>{environment}</strong>:
            </Text>
            <ul className={styles.list}>
              <li>{count(writes.create)} to create</li>
              <li>{count(writes.update)} to update</li>
              <li>{count(writes.deactivate)} to deactivate</li>
              <li>{count(writes.delete)} to delete</li>
            </ul>
            <Text as="p">
              {excluded ? `${plural(excluded, 'row')} excluded. ` : ''}
              {plan.counts.error
                ? `${plural(plan.counts.error, 'row')} with errors will not be applied. `
                : ''}
              Records changed in Dataverse since the preview are reported as conflicts, not
              overwritten.
            </Text>
            {plan.warnings.map((w) => (
              <Text as="p" block key={w} className={styles.warning} data-testid="apply-warning">
                {w}
              </Text>
            ))}
            {writes.delete > 0 && (
              <Text as="p" block className={styles.warning}>
                Deleted records can only be brought back by an undo of this run.
              </Text>
            )}
            {plan.newerPlan && (
              <Text as="p" block className={styles.warning} data-testid="apply-newer-plan">
                Plan {plan.newerPlan.planId} of {plan.table} is newer (made{' '}
                {shortDateTime(plan.newerPlan.createdAt)}, {plan.newerPlan.status}): this plan shows
                the records as they were when it was made. Apply the newer plan, or plan again,
                unless this one is what you mean.
              </Text>
            )}
            {massRemoval && (
              <Checkbox
                data-testid="apply-allow-removals"
                checked={allowRemovals}
                onChange={(_, d) => setAllowRemovals(d.checked === true)}
                label={`Yes, delete or deactivate ${count(massRemoval.count)} of the ${plural(massRemoval.records, `${plan.table} record`)} (${Math.round(massRemoval.percent)}%, more than the ${massRemoval.limitPercent}% a push may remove without this).`}
              />
            )}
            {start.isError && <ErrorMessage error={start.error} title="The apply did not start" />}
          </DialogContent>
          <DialogActions>
            <Button onClick={close}>Cancel</Button>
            <Button
              appearance="primary"
              disabled={total === 0 || start.isPending || (massRemoval !== null && !allowRemovals)}
              onClick={() =>
                start.mutate(
                  {
                    planId: plan.planId,
                    ...(massRemoval && allowRemovals
                      ? { allowRemovalPercent: Math.min(100, Math.ceil(massRemoval.percent)) }
                      : {})
                  },
                  {
                    onSuccess: ({ runId }) => {
                      close()
                      onStarted(runId)
                    }
                  }
                )
              }
            >
              {start.isPending ? 'Starting…' : `Apply ${plural(total, 'change')}`}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  )
}
