import {
  Badge,
  SearchBox,
  Spinner,
  Subtitle2,
  ToggleButton,
  Toolbar,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useInfiniteQuery } from '@tanstack/react-query'
import { useCallback, useDeferredValue, useState } from 'react'
import {
  PULL_ACTIONS,
  type ChangeItem,
  type PullAction
} from '../../../../src-shared/schemas/pulls'
import { changesQuery } from '../../api/queries/pulls'
import { EmptyState } from '../../components/EmptyState'
import { QueryError } from '../../components/ErrorMessage'
import { count } from '../../components/format'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'
import { ChangeDetail } from './ChangeDetail'
import { ChangesExport } from './ChangesExport'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    flexGrow: 1,
    minHeight: 0
  },
  split: {
    display: 'grid',
    gridTemplateRows: 'minmax(14rem, 1fr) auto',
    gap: tokens.spacingVerticalM,
    flexGrow: 1,
    minHeight: 0
  },
  grid: { display: 'flex', minHeight: 0 }
})

export const ACTION_LABELS: Record<PullAction, string> = {
  created: 'Created',
  updated: 'Updated',
  deleted: 'Deleted'
}
const ACTION_COLORS = { created: 'success', updated: 'brand', deleted: 'danger' } as const

const columns: GridColumn<ChangeItem>[] = [
  {
    id: 'action',
    header: 'Change',
    width: '6.5rem',
    render: (c) => (
      <Badge appearance="tint" color={ACTION_COLORS[c.action]}>
        {ACTION_LABELS[c.action]}
      </Badge>
    )
  },
  {
    id: 'record',
    header: 'Record',
    width: 'minmax(10rem, 2fr)',
    render: (c) => c.name ?? c.recordKey ?? c.recordId ?? '—'
  },
  { id: 'key', header: 'Key', width: 'minmax(6rem, 1fr)', render: (c) => c.recordKey ?? '—' },
  {
    id: 'columns',
    header: 'Changed columns',
    width: 'minmax(10rem, 3fr)',
    render: (c) =>
      c.action === 'updated' ? c.changedColumns.join(', ') : `${c.changedColumns.length} values`
  }
]

/** A pull's changes: filter by kind and text, scroll any number, open one for before/after. */
export function ChangesView({
  runId,
  nameColumn
}: {
  runId: number
  nameColumn?: string | undefined
}): React.JSX.Element {
  const styles = useStyles()
  const [actions, setActions] = useState<PullAction[]>([...PULL_ACTIONS])
  const [search, setSearch] = useState('')
  const deferredSearch = useDeferredValue(search.trim())
  const [selected, setSelected] = useState<number>()
  const changes = useInfiniteQuery(
    changesQuery(runId, { actions, search: deferredSearch, nameColumn })
  )
  const items = changes.data?.pages.flatMap((p) => p.items) ?? []
  const first = changes.data?.pages[0]
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = changes
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])
  const toggle = (action: PullAction): void =>
    setActions((list) =>
      list.includes(action) ? list.filter((a) => a !== action) : [...list, action]
    )
  const chosen = items.find((c) => c.seq === selected)

  return (
    <div className={styles.root} data-testid="changes-view" data-run-id={runId}>
      <Subtitle2 as="h2">
        Changes of pull {runId}
        {first ? ` (${first.mode ?? ''})` : ''}
      </Subtitle2>
      {first && PULL_ACTIONS.some((a) => (first.counts[a] ?? 0) > 0) && (
        <ChangesExport runId={runId} />
      )}
      <Toolbar aria-label="Filter changes">
        {PULL_ACTIONS.map((action) => (
          <ToggleButton
            key={action}
            checked={actions.includes(action)}
            onClick={() => toggle(action)}
            data-testid={`filter-${action}`}
          >
            {ACTION_LABELS[action]} ({count(first?.counts[action] ?? 0)})
          </ToggleButton>
        ))}
        <SearchBox
          placeholder="Search ids, keys and values"
          aria-label="Search changes"
          value={search}
          onChange={(_, d) => setSearch(d.value)}
        />
      </Toolbar>
      {changes.isPending && <Spinner label="Loading changes…" />}
      <QueryError query={changes} title="Could not load the changes" />
      {first && first.total === 0 && (
        <EmptyState title={actions.length === 0 ? 'No kind of change chosen' : 'No changes match'}>
          {actions.length === 0
            ? 'Turn on Created, Updated or Deleted.'
            : 'This pull found nothing of that kind.'}
        </EmptyState>
      )}
      {first && first.total > 0 && (
        <div className={styles.split}>
          <div className={styles.grid}>
            <VirtualGrid
              label={`Changes (${count(first.total)})`}
              testId="changes-grid"
              rows={items}
              total={first.total}
              columns={columns}
              rowKey={(c) => String(c.seq)}
              selectedKey={selected !== undefined ? String(selected) : undefined}
              onSelect={(c) => setSelected(c.seq)}
              onNearEnd={onNearEnd}
              minWidth="36rem"
            />
          </div>
          {chosen ? (
            <ChangeDetail change={chosen} />
          ) : (
            <EmptyState title="Choose a change">
              Its values before and after the change are shown here.
            </EmptyState>
          )}
        </div>
      )}
    </div>
  )
}
