import {
  Caption1,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import type { SourceInspection } from '../../../../src-shared/schemas/push'
import { value } from '../../components/format'

const useStyles = makeStyles({
  root: {
    overflow: 'auto',
    maxHeight: '15rem',
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium
  },
  error: {
    backgroundColor: tokens.colorStatusDangerBackground1,
    color: tokens.colorStatusDangerForeground1
  },
  cell: { whiteSpace: 'nowrap' },
  warning: {
    display: 'block',
    color: tokens.colorStatusWarningForeground1
  }
})

/** The first rows of the source as it will be read: columns, values, rows with errors. */
export function SourcePreview({ inspection }: { inspection: SourceInspection }): React.JSX.Element {
  const styles = useStyles()
  const { columns, rows } = inspection
  const facts = [
    inspection.format.toUpperCase(),
    inspection.encoding
      ? `${inspection.encoding}${inspection.encodingBasis ? ` (${inspection.encodingBasis})` : ''}`
      : null,
    inspection.delimiter ? `delimiter ${JSON.stringify(inspection.delimiter)}` : null,
    inspection.sheet ? `sheet ${inspection.sheet}` : null,
    `${columns.length} columns`
  ].filter(Boolean)
  return (
    <>
      <Caption1>
        {facts.join(' · ')}. The first {rows.length} rows:
      </Caption1>
      {inspection.warnings?.map((w) => (
        // A file read in the wrong encoding looks almost right: the doubt is said, not hidden.
        <Caption1 key={w} role="alert" className={styles.warning}>
          Warning: {w}
        </Caption1>
      ))}
      <div
        className={styles.root}
        // It scrolls both ways: focusable so the keyboard can scroll it too.
        tabIndex={0}
        role="region"
        aria-label="First rows of the source"
        data-testid="source-preview"
      >
        <Table size="extra-small" aria-label="First rows of the source file">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.cell}>Row</TableHeaderCell>
              {columns.map((c) => (
                <TableHeaderCell key={c} className={styles.cell}>
                  {c}
                </TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.row} className={r.error ? styles.error : undefined}>
                <TableCell className={styles.cell}>{r.row}</TableCell>
                {r.error ? (
                  <TableCell colSpan={columns.length}>
                    {r.location}: {r.error}
                  </TableCell>
                ) : (
                  columns.map((c) => (
                    <TableCell key={c} className={styles.cell}>
                      {value(r.values[c] ?? null)}
                    </TableCell>
                  ))
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </>
  )
}
