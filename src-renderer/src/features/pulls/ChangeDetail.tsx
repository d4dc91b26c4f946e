import {
  Subtitle2,
  Switch,
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
import { useState } from 'react'
import type { ChangeItem } from '../../../../src-shared/schemas/pulls'
import { value } from '../../components/format'
import { ACTION_LABELS } from './ChangesView'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxHeight: '22rem',
    overflow: 'auto'
  },
  header: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalL },
  changed: {
    backgroundColor: tokens.colorStatusWarningBackground1,
    fontWeight: tokens.fontWeightSemibold
  },
  marker: { color: tokens.colorStatusWarningForeground3 }
})

/** One record's values before and after the change, the changed columns highlighted. */
export function ChangeDetail({ change }: { change: ChangeItem }): React.JSX.Element {
  const styles = useStyles()
  // A created or deleted record changed as a whole: its values are listed, none highlighted.
  const update = change.action === 'updated'
  const [onlyChanged, setOnlyChanged] = useState(update)
  const rows = onlyChanged && update ? change.columns.filter((c) => c.changed) : change.columns
  const title = change.name ?? change.recordKey ?? change.recordId ?? `change ${change.seq}`
  return (
    <section
      className={styles.root}
      aria-label="Before and after"
      // It scrolls: focusable so the keyboard can scroll it too.
      tabIndex={0}
      data-testid="change-detail"
      data-action={change.action}
    >
      <div className={styles.header}>
        <Subtitle2 as="h3">
          {ACTION_LABELS[change.action]}: {title}
        </Subtitle2>
        <Switch
          disabled={!update}
          checked={onlyChanged && update}
          onChange={(_, d) => setOnlyChanged(d.checked)}
          label="Only changed columns"
        />
      </div>
      <Table aria-label={`Values of ${title} before and after the change`} size="small">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Column</TableHeaderCell>
            <TableHeaderCell>Before</TableHeaderCell>
            <TableHeaderCell>After</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((c) => (
            <TableRow
              key={c.column}
              data-column={c.column}
              data-changed={update && c.changed}
              className={mergeClasses(update && c.changed && styles.changed)}
            >
              <TableCell>
                {c.column}
                {update && c.changed && <span className={styles.marker}> (changed)</span>}
              </TableCell>
              <TableCell data-testid="before">{value(c.before)}</TableCell>
              <TableCell data-testid="after">{value(c.after)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  )
}
