import { Badge, type BadgeProps } from '@fluentui/react-components'
import type { KeyView } from '../../../src-shared/schemas/metadata'
import type { RunState } from '../../../src-shared/schemas/pulls'

const KEY_COLORS: Record<KeyView['status'], BadgeProps['color']> = {
  Pending: 'informative',
  InProgress: 'informative',
  Active: 'success',
  Failed: 'danger'
}

const KEY_LABELS: Record<KeyView['status'], string> = {
  Pending: 'Pending',
  InProgress: 'Building index',
  Active: 'Active',
  Failed: 'Failed'
}

export function KeyStatusBadge({ status }: { status: KeyView['status'] }): React.JSX.Element {
  return (
    <Badge appearance="tint" color={KEY_COLORS[status]} data-key-status={status}>
      {KEY_LABELS[status]}
    </Badge>
  )
}

const RUN_COLORS: Record<RunState, BadgeProps['color']> = {
  running: 'brand',
  completed: 'success',
  failed: 'danger',
  cancelled: 'warning',
  interrupted: 'warning'
}

export function RunStateBadge({ state }: { state: RunState }): React.JSX.Element {
  return (
    <Badge appearance="tint" color={RUN_COLORS[state]} data-run-state={state}>
      {state.charAt(0).toUpperCase() + state.slice(1)}
    </Badge>
  )
}

export function TrackingBadge({
  enabled,
  possible
}: {
  enabled: boolean
  possible: boolean
}): React.JSX.Element {
  if (enabled)
    return (
      <Badge appearance="tint" color="success" data-tracking="on">
        Tracking on
      </Badge>
    )
  return (
    <Badge appearance="tint" color={possible ? 'warning' : 'subtle'} data-tracking="off">
      {possible ? 'Tracking off' : 'Not trackable'}
    </Badge>
  )
}
