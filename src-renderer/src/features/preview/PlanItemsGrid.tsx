import { Badge, Checkbox, makeStyles, tokens } from '@fluentui/react-components'
import { useCallback, useMemo } from 'react'
import type { PlanItemView } from '../../../../src-shared/schemas/plans'
import {
  fetchPlanItems,
  PLAN_PAGE_SIZE,
  useExclude,
  type PlanItemsFilter
} from '../../api/queries/plans'
import { keys } from '../../api/query-keys'
import { EmptyState } from '../../components/EmptyState'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count } from '../../components/format'
import { LabelledValue } from '../../components/LabelledValue'
import { usePagedRows } from '../../components/paged-rows'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'
import { ACTION_COLORS, ACTION_LABELS, WRITE_ACTIONS } from './plan-tabs'

const useStyles = makeStyles({
  change: { color: tokens.colorNeutralForeground2 },
  to: { fontWeight: tokens.fontWeightSemibold, color: tokens.colorNeutralForeground1 },
  error: { color: tokens.colorStatusDangerForeground1 }
})

const describe = (item: PlanItemView): string =>
  `row ${item.row ?? '—'}${item.key ? ` (${item.key})` : ''}`

/**
 * A plan's items of one tab, read a page at a time wherever the admin scrolls (a plan may hold
 * 100,000): per row the exclude checkbox (Space), the action, the key and what changes.
 */
export function PlanItemsGrid({
  planId,
  filter,
  editable,
  selected,
  onSelect
}: {
  planId: number
  filter: PlanItemsFilter
  /** Rows may be excluded (the plan is not applied yet). */
  editable: boolean
  selected: number | undefined
  onSelect(item: PlanItemView): void
}): React.JSX.Element {
  const styles = useStyles()
  const exclude = useExclude(planId)
  const rows = usePagedRows(
    keys.planItems(planId, filter),
    PLAN_PAGE_SIZE,
    useMemo(() => fetchPlanItems(planId, filter), [planId, filter])
  )
  const writes = filter.actions.some((a) => WRITE_ACTIONS.includes(a))
  const toggle = useCallback(
    (item: PlanItemView) => {
      if (editable && WRITE_ACTIONS.includes(item.action))
        exclude.mutate({ seqs: [item.seq], excluded: !item.excluded })
    },
    [editable, exclude]
  )
  const columns: GridColumn<PlanItemView>[] = [
    ...(writes
      ? [
          {
            id: 'exclude',
            header: 'Exclude',
            width: '4.5rem',
            render: (item: PlanItemView) => (
              <Checkbox
                tabIndex={-1}
                checked={item.excluded}
                disabled={!editable}
                aria-label={`Exclude ${describe(item)}`}
                data-testid="exclude"
                onChange={() => toggle(item)}
                onClick={(e) => e.stopPropagation()}
              />
            )
          }
        ]
      : []),
    { id: 'row', header: 'Row', width: '4.5rem', render: (i) => i.row ?? '—' },
    {
      id: 'action',
      header: 'Action',
      width: '7rem',
      render: (i) => (
        <Badge appearance="tint" color={ACTION_COLORS[i.action]}>
          {ACTION_LABELS[i.action]}
        </Badge>
      )
    },
    { id: 'key', header: 'Key', width: 'minmax(8rem, 1fr)', render: (i) => i.key ?? '—' },
    {
      id: 'changes',
      header: filter.actions.includes('error') ? 'Why' : 'Changes',
      width: 'minmax(14rem, 3fr)',
      render: (i) =>
        i.error ? (
          <span className={styles.error}>{i.error}</span>
        ) : i.action === 'update' || i.action === 'deactivate' ? (
          i.changes.map((c, n) => (
            <span key={c.column} className={styles.change}>
              {n ? '; ' : ''}
              {c.column}: <LabelledValue value={c.from} label={c.fromLabel} /> →{' '}
              <span className={styles.to}>
                <LabelledValue value={c.to} label={c.toLabel} />
              </span>
            </span>
          ))
        ) : i.changes.length ? (
          `${i.changes.length} values`
        ) : (
          '—'
        )
    },
    {
      id: 'outcome',
      header: 'Outcome',
      width: '6.5rem',
      render: (i) => (i.outcome === 'pending' ? '—' : i.outcome)
    }
  ]
  if (rows.error)
    return (
      <ErrorMessage error={rows.error} title="Could not load the rows" onRetry={rows.refetch} />
    )
  if (rows.total === 0)
    return (
      <EmptyState title="Nothing here">
        {filter.search
          ? 'No row of this kind matches the search.'
          : 'The plan has no row of this kind.'}
      </EmptyState>
    )
  return (
    <>
      {exclude.isError && <ErrorMessage error={exclude.error} title="The row was not excluded" />}
      <VirtualGrid
        label={`Plan rows (${count(rows.total ?? 0)})`}
        testId="plan-grid"
        count={rows.total ?? 0}
        rowAt={rows.rowAt}
        onRangeChange={rows.onRangeChange}
        columns={columns}
        rowKey={(i) => String(i.seq)}
        selectedKey={selected !== undefined ? String(selected) : undefined}
        onSelect={onSelect}
        {...(writes && editable ? { onToggle: toggle } : {})}
        dimmed={(i) => i.excluded}
        minWidth="44rem"
      />
    </>
  )
}
