import {
  Badge,
  Button,
  Caption1,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Subtitle2,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { ArrowExportRegular, PlayRegular } from '@fluentui/react-icons'
import type { PlanView } from '../../../../src-shared/schemas/plans'
import { useExportPlan } from '../../api/queries/plans'
import { ErrorMessage } from '../../components/ErrorMessage'
import { plural, shortDateTime } from '../../components/format'
import { writesOf } from './plan-tabs'

const useStyles = makeStyles({
  root: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM },
  spacer: { flexGrow: 1 },
  // The Preview is a column that fills the window: the bar keeps the height its lines need.
  warningBar: { flexShrink: 0 },
  warnings: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL }
})

const STATUS = {
  ready: { label: 'Ready to apply', color: 'brand' },
  applying: { label: 'Applying', color: 'informative' },
  applied: { label: 'Applied', color: 'success' },
  partial: { label: 'Partly applied', color: 'warning' }
} as const

/** Which plan this is, its state, and what can be done with it: export it, apply it. */
export function PlanHeader({
  plan,
  onApply,
  onOpenRun
}: {
  plan: PlanView
  onApply(): void
  onOpenRun(runId: number): void
}): React.JSX.Element {
  const styles = useStyles()
  const exporter = useExportPlan(plan.planId)
  const writes = writesOf(plan)
  const total = writes.create + writes.update + writes.deactivate + writes.delete
  const status = STATUS[plan.status]
  const lastApply = plan.applyRuns[0]
  return (
    <>
      <div className={styles.root} data-testid="plan-header" data-plan-status={plan.status}>
        <Subtitle2 as="h2">
          {plan.kind === 'undo' ? `Undo of run ${plan.undoes ?? '?'}` : `Plan ${plan.planId}`}:{' '}
          {plan.table} in {plan.environmentName ?? '?'}
        </Subtitle2>
        <Badge appearance="tint" color={status.color}>
          {status.label}
        </Badge>
        <Caption1>
          {plan.profileName ? `Profile ${plan.profileName} · ` : ''}
          {plan.settings.mode} · made {shortDateTime(plan.createdAt)}
        </Caption1>
        <div className={styles.spacer} />
        {lastApply && (
          <Button appearance="subtle" onClick={() => onOpenRun(lastApply)}>
            Open run {lastApply}
          </Button>
        )}
        <Menu>
          <MenuTrigger disableButtonEnhancement>
            <Button icon={<ArrowExportRegular />} disabled={exporter.isPending}>
              Export
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem onClick={() => exporter.mutate('csv')}>CSV (a row per item)</MenuItem>
              <MenuItem onClick={() => exporter.mutate('json')}>JSON (the whole plan)</MenuItem>
            </MenuList>
          </MenuPopover>
        </Menu>
        <Button
          appearance="primary"
          icon={<PlayRegular />}
          disabled={total === 0 || plan.status === 'applied' || plan.status === 'applying'}
          onClick={onApply}
          data-testid="apply-plan"
        >
          {plan.status === 'partial' ? 'Apply the rest…' : 'Apply…'}
        </Button>
      </div>
      {plan.warnings.length > 0 && plan.status !== 'applied' && (
        <MessageBar
          intent="warning"
          layout="multiline"
          className={styles.warningBar}
          data-testid="plan-warnings"
        >
          <MessageBarBody>
            <MessageBarTitle>
              {plan.warnings.length === 1 ? 'Look at this' : 'Look at these'} before you apply
            </MessageBarTitle>
            <ul className={styles.warnings}>
              {plan.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
      {plan.status === 'applied' && (
        <MessageBar intent="success">
          <MessageBarBody>
            This plan was applied{lastApply ? ` in run ${lastApply}` : ''}; plan again to push newer
            rows.
          </MessageBarBody>
        </MessageBar>
      )}
      {exporter.data?.file && (
        <MessageBar intent="success" data-testid="plan-exported">
          <MessageBarBody>
            Exported {plural(exporter.data.items, 'item')} to {exporter.data.file}.
          </MessageBarBody>
        </MessageBar>
      )}
      {exporter.isError && (
        <ErrorMessage error={exporter.error} title="The plan was not exported" />
      )}
    </>
  )
}
