import { Caption1, makeStyles, tokens } from '@fluentui/react-components'

export interface Bar {
  id: number
  /** What the bar is (shown on hover and read by screen readers), e.g. "Run 12, 3 May 14:02". */
  label: string
  value: number | null
  /** A bar to notice (a failed run). */
  alert?: boolean
}

const useStyles = makeStyles({
  figure: { margin: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
  svg: {
    width: '100%',
    height: '5.5rem',
    display: 'block',
    backgroundColor: tokens.colorNeutralBackground1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium
  },
  caption: { fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground1 },
  bar: { fill: tokens.colorBrandBackground },
  alert: { fill: tokens.colorPaletteRedBackground3 },
  axis: { stroke: tokens.colorNeutralStroke1, strokeWidth: 1 },
  legend: {
    display: 'flex',
    justifyContent: 'space-between',
    color: tokens.colorNeutralForeground2
  }
})

const W = 300
const H = 80

/**
 * A small bar chart in inline SVG, one bar per run, oldest on the left. No chart library: a few
 * rectangles themed with the Fluent tokens (light and dark), each with a tooltip, and a summary
 * for screen readers; the numbers themselves are in the history grid beside.
 */
export function BarChart({
  title,
  bars,
  format,
  testId
}: {
  title: string
  bars: readonly Bar[]
  format(value: number): string
  testId?: string
}): React.JSX.Element {
  const styles = useStyles()
  const values = bars.map((b) => b.value ?? 0)
  const max = Math.max(1, ...values)
  const step = bars.length ? W / bars.length : W
  const width = Math.max(1, Math.min(24, step * 0.7))
  const latest = bars.at(-1)
  const summary = bars.length
    ? `${title}: ${bars.length} runs, highest ${format(Math.max(...values))}, latest ${format(latest?.value ?? 0)}.`
    : `${title}: no runs.`
  return (
    <figure className={styles.figure} data-testid={testId}>
      <figcaption className={styles.caption}>{title}</figcaption>
      <svg
        className={styles.svg}
        viewBox={`0 0 ${W} ${H + 2}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
      >
        <line className={styles.axis} x1={0} x2={W} y1={H + 1} y2={H + 1} />
        {bars.map((b, i) => {
          const h = b.value ? Math.max(1, (b.value / max) * (H - 4)) : 0
          return (
            <rect
              key={b.id}
              className={b.alert ? styles.alert : styles.bar}
              x={i * step + (step - width) / 2}
              y={H + 1 - h}
              width={width}
              height={h}
              data-value={b.value ?? ''}
            >
              <title>{`${b.label}: ${b.value === null ? '—' : format(b.value)}`}</title>
            </rect>
          )
        })}
      </svg>
      <Caption1 className={styles.legend} aria-hidden>
        <span>{bars.length ? `${bars.length} runs` : 'No runs'}</span>
        <span>max {format(max === 1 && values.every((v) => v === 0) ? 0 : max)}</span>
      </Caption1>
    </figure>
  )
}
