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
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { RunDetails } from '../../../../src-shared/schemas/runs'
import { compareQuery, runsQuery } from '../../api/queries/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, shortDateTime } from '../../components/format'

const useStyles = makeStyles({ scroll: { maxHeight: '18rem', overflow: 'auto' } })

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
  const compared = useQuery({ ...compareQuery(a, b), enabled: open && other !== undefined })
  const rows = (compared.data ? [...compared.data.counts, ...compared.data.figures] : []).filter(
    (r) => r.a || r.b
  )
  return (
    <>
      <Button icon={<ArrowSwapRegular />} onClick={() => setOpen(true)}>
        Compare…
      </Button>
      <Dialog open={open} onOpenChange={(_, d) => setOpen(d.open)}>
        <DialogSurface>
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
              {compared.data && (
                <div className={styles.scroll} tabIndex={0} role="region" aria-label="Comparison">
                  <Text as="p">
                    Records: {count(compared.data.records.onlyInA)} only in run {a},{' '}
                    {count(compared.data.records.onlyInB)} only in run {b},{' '}
                    {count(compared.data.records.different)} different.
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
                          <TableCell>{r.name}</TableCell>
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
