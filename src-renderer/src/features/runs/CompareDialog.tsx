import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Dropdown,
  Field,
  Option,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles
} from '@fluentui/react-components'
import { ArrowSwapRegular } from '@fluentui/react-icons'
import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useCallback, useState } from 'react'
import type { RunDetails } from '../../../../src-shared/schemas/runs'
import { compareQuery, runsQuery } from '../../api/queries/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, shortDateTime } from '../../components/format'
import { CompareRecords } from './CompareRecords'

const useStyles = makeStyles({
  // Wide enough for the records that differ beside each other, never wider than the window.
  surface: { maxWidth: 'min(56rem, 95vw)' },
  scroll: { maxHeight: '18rem', overflow: 'auto' }
})

/** The run figures' names as an admin reads them (counts read well as they are). */
const FIGURE_LABELS: Record<string, string> = {
  durationMs: 'duration (ms)',
  throttled: 'throttled (429)',
  throttleWaitMs: 'throttling waits (ms)',
  failures: 'failed requests',
  totalRequestMs: 'request time, total (ms)',
  maxRequestMs: 'longest request (ms)',
  bytesReceived: 'bytes received'
}

/** Two runs of the same table side by side: counts, figures, and the records that differ. */
export function CompareDialog({ run }: { run: RunDetails }): React.JSX.Element {
  const styles = useStyles()
  const [open, setOpen] = useState(false)
  const [other, setOther] = useState<number>()
  const candidates = useQuery({
    ...runsQuery({ ...(run.table ? { table: run.table } : {}), kind: run.kind }),
    enabled: open
  })
  const others = (candidates.data ?? []).filter((r) => r.runId !== run.runId)
  const a = other !== undefined ? Math.min(other, run.runId) : 0
  const b = other !== undefined ? Math.max(other, run.runId) : 0
  const compared = useInfiniteQuery({
    ...compareQuery(a, b),
    enabled: open && other !== undefined
  })
  const first = compared.data?.pages[0]
  const rows = (first ? [...first.counts, ...first.figures] : []).filter((r) => r.a || r.b)
  const differences = compared.data?.pages.flatMap((p) => p.records.items) ?? []
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = compared
  const onNearEnd = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])
  return (
    <>
      <Button icon={<ArrowSwapRegular />} onClick={() => setOpen(true)}>
        Compare…
      </Button>
      <Dialog open={open} onOpenChange={(_, d) => setOpen(d.open)}>
        <DialogSurface className={styles.surface}>
          <DialogBody>
            <DialogTitle>Compare run {run.runId} with another</DialogTitle>
            <DialogContent>
              <Field label={`Another ${run.kind} run of ${run.table ?? 'this table'}`}>
                <Dropdown
                  placeholder={others.length ? 'Choose a run' : 'No other run to compare with'}
                  value={other !== undefined ? `Run ${other}` : ''}
                  selectedOptions={other !== undefined ? [String(other)] : []}
                  onOptionSelect={(_, d) => d.optionValue && setOther(Number(d.optionValue))}
                >
                  {others.map((r) => (
                    <Option key={r.runId} value={String(r.runId)} text={`Run ${r.runId}`}>
                      {`Run ${r.runId}, ${shortDateTime(r.startedAt)} (${r.state})`}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              {compared.isPending && other !== undefined && (
                <Spinner size="tiny" label="Comparing…" />
              )}
              {compared.isError && (
                <ErrorMessage error={compared.error} title="Could not compare" />
              )}
              {first && (
                <div className={styles.scroll} tabIndex={0} role="region" aria-label="Comparison">
                  <Text as="p">
                    Records: {count(first.records.onlyInA)} only in run {a},{' '}
                    {count(first.records.onlyInB)} only in run {b}, {count(first.records.different)}{' '}
                    different.
                  </Text>
                  <Table size="extra-small" aria-label="Counts and figures side by side">
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell />
                        <TableHeaderCell>Run {a}</TableHeaderCell>
                        <TableHeaderCell>Run {b}</TableHeaderCell>
                        <TableHeaderCell>Change</TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {rows.map((r) => (
                        <TableRow key={r.name}>
                          <TableCell>{FIGURE_LABELS[r.name] ?? r.name}</TableCell>
                          <TableCell>{r.a === null ? '—' : count(r.a)}</TableCell>
                          <TableCell>{r.b === null ? '—' : count(r.b)}</TableCell>
                          <TableCell>
                            {r.delta === null ? '—' : `${r.delta > 0 ? '+' : ''}${count(r.delta)}`}
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              )}
              {first && first.records.total > 0 && (
                <CompareRecords
                  a={a}
                  b={b}
                  items={differences}
                  total={first.records.total}
                  onNearEnd={onNearEnd}
                />
              )}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setOpen(false)}>Close</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  )
}
