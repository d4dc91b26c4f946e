import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef, useState } from 'react'

export interface GridColumn<T> {
  id: string
  header: string
  /** A CSS grid track: '2fr', '120px', 'minmax(8rem, 1fr)'. */
  width: string
  render(row: T): React.ReactNode
}

export interface VirtualGridProps<T> {
  label: string
  /** Every row, loaded (a short list, or pages appended as they load). */
  rows?: readonly T[]
  /**
   * Or, for lists read a page at a time wherever the admin scrolls: how many rows there are and
   * the row at an index, undefined while its page loads (a placeholder row is shown).
   */
  count?: number
  rowAt?(index: number): T | undefined
  columns: readonly GridColumn<T>[]
  rowKey(row: T): string
  /** Rows there are in all (more than `rows` while pages are still loading). */
  total?: number
  selectedKey?: string | undefined
  onSelect?(row: T): void
  /** Space does this instead of selecting (e.g. exclude the row); Enter still selects. */
  onToggle?(row: T): void
  /** Rows shown dimmed (e.g. excluded from an apply). */
  dimmed?(row: T): boolean
  /** Called when the last loaded rows come into view: load the next page. */
  onNearEnd?(): void
  /** The rows in view changed (sparse lists load the pages they need). */
  onRangeChange?(first: number, last: number): void
  rowHeight?: number
  /** Below this width the grid scrolls sideways instead of squeezing its columns. */
  minWidth?: string
  testId?: string
}

const useStyles = makeStyles({
  scroller: {
    overflow: 'auto',
    minHeight: 0,
    flexGrow: 1,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1
  },
  header: {
    position: 'sticky',
    top: 0,
    zIndex: 1,
    backgroundColor: tokens.colorNeutralBackground3,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`
  },
  row: {
    display: 'grid',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalM,
    paddingInline: tokens.spacingHorizontalM,
    boxSizing: 'border-box',
    width: '100%'
  },
  headerCell: { fontWeight: tokens.fontWeightSemibold, paddingBlock: tokens.spacingVerticalS },
  bodyRow: {
    position: 'absolute',
    left: 0,
    cursor: 'pointer',
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke3}`,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': {
      outline: `${tokens.strokeWidthThick} solid ${tokens.colorStrokeFocus2}`,
      outlineOffset: '-2px'
    }
  },
  selected: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Selected }
  },
  dimmed: { color: tokens.colorNeutralForeground3, textDecorationLine: 'line-through' },
  placeholder: { color: tokens.colorNeutralForeground3, fontStyle: 'italic' },
  cell: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 }
})

/**
 * A keyboard-accessible grid that renders only the rows in view, so 100,000 rows scroll as
 * smoothly as 10 (@tanstack/react-virtual). ARIA grid semantics with row focus: Tab enters at
 * the selected row, arrows, Page Up/Down, Home and End move, Enter selects, Space selects (or
 * toggles, with `onToggle`). Rows come as a list, or one at a time for lists read in pages.
 */
export function VirtualGrid<T>(props: VirtualGridProps<T>): React.JSX.Element {
  const { columns, rowKey, onSelect, onToggle, onNearEnd, onRangeChange, selectedKey } = props
  const styles = useStyles()
  const rowHeight = props.rowHeight ?? 36
  const scroller = useRef<HTMLDivElement>(null)
  const sparse = props.rowAt !== undefined
  const count = props.count ?? props.rows?.length ?? 0
  const rowAt = (index: number): T | undefined => props.rowAt?.(index) ?? props.rows?.[index]
  const selectedIndex =
    selectedKey && props.rows ? props.rows.findIndex((r) => rowKey(r) === selectedKey) : -1
  const [active, setActive] = useState(Math.max(selectedIndex, 0))
  const focusPending = useRef(false)
  const activeIndex = Math.min(active, Math.max(count - 1, 0))
  const template = columns.map((c) => c.width).join(' ')
  const minWidth = props.minWidth ?? '0'

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    paddingStart: 0
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items.at(-1)?.index ?? -1

  useEffect(() => {
    if (onNearEnd && count > 0 && last >= count - 20) onNearEnd()
  }, [last, count, onNearEnd])

  useEffect(() => {
    if (last >= 0) onRangeChange?.(first, last)
  }, [first, last, onRangeChange])

  useEffect(() => {
    if (!focusPending.current) return
    const element = scroller.current?.querySelector<HTMLElement>(`[data-index="${activeIndex}"]`)
    if (element) {
      focusPending.current = false
      element.focus()
    }
  })

  const moveTo = (index: number): void => {
    if (count === 0) return
    const next = Math.max(0, Math.min(count - 1, index))
    setActive(next)
    focusPending.current = true
    virtualizer.scrollToIndex(next, { align: 'auto' })
  }

  const onKeyDown = (event: React.KeyboardEvent, index: number, row: T | undefined): void => {
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / rowHeight) - 1)
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: count - 1
    }
    if (event.key in moves) {
      event.preventDefault()
      moveTo(moves[event.key]!)
    } else if (
      row !== undefined &&
      event.target === event.currentTarget &&
      (event.key === 'Enter' || event.key === ' ')
    ) {
      event.preventDefault()
      if (event.key === ' ' && onToggle) onToggle(row)
      else onSelect?.(row)
    }
  }

  return (
    <div
      ref={scroller}
      className={styles.scroller}
      role="grid"
      aria-label={props.label}
      aria-rowcount={(props.total ?? count) + 1}
      aria-colcount={columns.length}
      data-testid={props.testId}
      data-row-count={count}
    >
      <div role="rowgroup" className={styles.header} style={{ minWidth }}>
        <div
          role="row"
          aria-rowindex={1}
          className={styles.row}
          style={{ gridTemplateColumns: template }}
        >
          {columns.map((c) => (
            <div
              key={c.id}
              role="columnheader"
              className={mergeClasses(styles.cell, styles.headerCell)}
            >
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div
        role="rowgroup"
        style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth }}
      >
        {items.map((item) => {
          const row = rowAt(item.index)
          const key = row === undefined ? undefined : rowKey(row)
          const selected = key !== undefined && key === selectedKey
          return (
            <div
              // Sparse rows keep their element when their page arrives, so focus stays put.
              key={sparse || key === undefined ? `#${item.index}` : key}
              role="row"
              aria-rowindex={item.index + 2}
              aria-selected={selected}
              aria-busy={row === undefined || undefined}
              tabIndex={item.index === activeIndex ? 0 : -1}
              data-index={item.index}
              data-row-key={key}
              className={mergeClasses(
                styles.row,
                styles.bodyRow,
                selected && styles.selected,
                row !== undefined && props.dimmed?.(row) && styles.dimmed
              )}
              style={{
                gridTemplateColumns: template,
                height: rowHeight,
                transform: `translateY(${item.start}px)`
              }}
              onClick={() => {
                setActive(item.index)
                if (row !== undefined) onSelect?.(row)
              }}
              onFocus={() => setActive(item.index)}
              onKeyDown={(e) => onKeyDown(e, item.index, row)}
            >
              {row === undefined ? (
                <div role="gridcell" className={mergeClasses(styles.cell, styles.placeholder)}>
                  Loading…
                </div>
              ) : (
                columns.map((c) => (
                  <div key={c.id} role="gridcell" className={styles.cell}>
                    {c.render(row)}
                  </div>
                ))
              )}
            </div>
          )
        })}
      </div>
    </div>
  )
}
