import {
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import type { PlanItemView } from '../../../../src-shared/schemas/plans'
import { LabelledValue } from '../../components/LabelledValue'
import { ACTION_LABELS } from './plan-tabs'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    maxHeight: '16rem',
    overflow: 'auto'
  },
  changed: { backgroundColor: tokens.colorStatusWarningBackground1 },
  to: { fontWeight: tokens.fontWeightSemibold },
  error: { color: tokens.colorStatusDangerForeground1 }
})

/** One planned row: where it comes from, and each column's value from → to. */
export function PlanItemDetail({ item }: { item: PlanItemView }): React.JSX.Element {
  const styles = useStyles()
  const title = item.key ?? item.recordId ?? `item ${item.seq}`
  const update = item.action === 'update' || item.action === 'deactivate'
  return (
    <section
      className={styles.root}
      aria-label="Planned change"
      tabIndex={0}
      data-testid="plan-item-detail"
      data-action={item.action}
    >
      <Subtitle2 as="h3">
        {ACTION_LABELS[item.action]}: {title}
      </Subtitle2>
      <Text>
        {item.row !== null
          ? `Source row ${item.row}${item.location ? ` (${item.location})` : ''}.`
          : 'A record of the table that no source row matches.'}
        {item.excluded ? ' Excluded from the apply.' : ''}
        {item.outcome !== 'pending'
          ? ` Outcome: ${item.outcome}${item.outcomeMessage ? ` — ${item.outcomeMessage}` : ''}.`
          : ''}
      </Text>
      {item.error && <Text className={styles.error}>{item.error}</Text>}
      {item.changes.length > 0 && (
        <Table size="small" aria-label={`Changes of ${title}`}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Column</TableHeaderCell>
              <TableHeaderCell>{update ? 'Now' : 'Before'}</TableHeaderCell>
              <TableHeaderCell>{update ? 'After the apply' : 'Value'}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {item.changes.map((c) => (
              <TableRow
                key={c.column}
                data-column={c.column}
                className={update ? styles.changed : undefined}
              >
                <TableCell>{c.column}</TableCell>
                <TableCell data-testid="from">
                  <LabelledValue value={c.from} label={c.fromLabel} raw />
                </TableCell>
                <TableCell data-testid="to" className={styles.to}>
                  <LabelledValue value={c.to} label={c.toLabel} raw />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  )
}
