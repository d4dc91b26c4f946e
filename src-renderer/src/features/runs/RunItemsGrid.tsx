import {
  Badge,
  SearchBox,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  mergeClasses,
  tokens
} from '@fluentui/react-components'
import { useDeferredValue, useMemo, useState } from 'react'
import type { RunItemView } from '../../../../src-shared/schemas/runs'
import { fetchRunItems, RUN_PAGE_SIZE } from '../../api/queries/runs'
import { keys } from '../../api/query-keys'
import { EmptyState } from '../../components/EmptyState'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, value } from '../../components/format'
import { usePagedRows } from '../../components/paged-rows'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, minHeight: 0 },
  grid: { display: 'flex', minHeight: '12rem', flexGrow: 1 },
  detail: { maxHeight: '12rem', overflow: 'auto' },
  changed: { backgroundColor: tokens.colorStatusWarningBackground1 },
  error: { color: tokens.colorStatusDangerForeground1 }
})

const OUTCOME_COLORS: Record<string, 'success' | 'danger' | 'warning' | 'subtle'> = {
  done: 'success',
  failed: 'danger',
  conflict: 'warning',
  excluded: 'subtle',
  'already-applied': 'subtle'
}

/** A run's records from its journal, a page at a time, with before/after of the one chosen. */
export function RunItemsGrid({ runId }: { runId: number }): React.JSX.Element {
  const styles = useStyles()
  const [search, setSearch] = useState('')
  const deferred = useDeferredValue(search.trim())
  const [chosen, setChosen] = useState<RunItemView>()
  const filter = useMemo(() => ({ search: deferred }), [deferred])
  const rows = usePagedRows(
    keys.runItems(runId, filter),
    RUN_PAGE_SIZE,
    useMemo(() => fetchRunItems(runId, filter), [runId, filter])
  )
  const columns: GridColumn<RunItemView>[] = [
    { id: 'action', header: 'Action', width: '6rem', render: (i) => i.action },
    {
      id: 'key',
      header: 'Record',
      width: 'minmax(8rem, 1fr)',
      render: (i) => i.recordKey ?? i.recordId ?? '—'
    },
    {
      id: 'outcome',
      header: 'Outcome',
      width: '8rem',
      render: (i) =>
        i.outcome ? (
          <Badge appearance="tint" color={OUTCOME_COLORS[i.outcome] ?? 'subtle'}>
            {i.outcome}
          </Badge>
        ) : (
          '—'
        )
    },
    {
      id: 'error',
      header: 'Message',
      width: 'minmax(10rem, 2fr)',
      render: (i) =>
        i.errorMessage ??
        (i.columns
          .filter((c) => c.changed)
          .map((c) => c.column)
          .join(', ') ||
          '—')
    }
  ]
  return (
    <section className={styles.root} aria-label="Records of the run">
      <Subtitle2 as="h3">
        Records{rows.total !== undefined ? ` (${count(rows.total)})` : ''}
      </Subtitle2>
      <SearchBox
        placeholder="Search keys, values and messages"
        aria-label="Search the run's records"
        value={search}
        onChange={(_, d) => setSearch(d.value)}
      />
      {rows.error && (
        <ErrorMessage
          error={rows.error}
          title="Could not load the records"
          onRetry={rows.refetch}
        />
      )}
      {rows.total === 0 && (
        <EmptyState title="No records">Nothing matches, or the run wrote nothing.</EmptyState>
      )}
      {!!rows.total && (
        <div className={styles.grid}>
          <VirtualGrid
            key={deferred}
            label={`Records of run ${runId}`}
            testId="run-items"
            count={rows.total}
            rowAt={rows.rowAt}
            onRangeChange={rows.onRangeChange}
            columns={columns}
            rowKey={(i) => String(i.seq)}
            selectedKey={chosen ? String(chosen.seq) : undefined}
            onSelect={(i: RunItemView) => setChosen(i)}
            minWidth="30rem"
          />
        </div>
      )}
      {chosen && (
        <div className={styles.detail} tabIndex={0} role="region" aria-label="Before and after">
          {chosen.errorMessage && <p className={styles.error}>{chosen.errorMessage}</p>}
          <Table
            size="extra-small"
            aria-label={`Values of ${chosen.recordKey ?? chosen.recordId ?? 'the record'}`}
          >
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Column</TableHeaderCell>
                <TableHeaderCell>Before</TableHeaderCell>
                <TableHeaderCell>After</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {chosen.columns.map((c) => (
                <TableRow key={c.column} className={mergeClasses(c.changed && styles.changed)}>
                  <TableCell>{c.column}</TableCell>
                  <TableCell>{value(c.before)}</TableCell>
                  <TableCell>{value(c.after)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  )
}
