import type { ColumnInfo } from '../../src-shared/model/metadata'
import type { ColumnChange, PlanItem } from '../../src-shared/model/push'

/** A long text cut to this many characters in a diff line; the export has it whole. */
const LONGEST = 120

/** The columns of a plan's table by logical name, for labels (`store.plans.details(id)`). */
export type DiffColumns = ReadonlyMap<string, Pick<ColumnInfo, 'options'>>

export const diffColumns = (columns: readonly ColumnInfo[] | undefined): DiffColumns =>
  new Map((columns ?? []).map((c) => [c.logicalName, c]))

/**
 * One value as a person reads it in a diff: nothing as '—'; a choice (or state, status) as its
 * label with the number kept beside it (`Services (3)`); a lookup as its record's name and key
 * (`Contoso Ltd (ACC-00030)`, the id is in --json); text unquoted unless quotes are what shows
 * it (empty, or spaces at an end). `label` is the one the plan stored with the change (issue 12,
 * item 7); without it a choice's label comes from the table's options. The one place the CLI's
 * diffs format a value.
 */
export function formatValue(
  value: unknown,
  column?: Pick<ColumnInfo, 'options'>,
  label?: string
): string {
  if (value === null || value === undefined) return '—'
  if (label) return typeof value === 'number' ? `${label} (${value})` : label
  const options = column?.options
  if (options?.length && (typeof value === 'number' || /^\d+(,\d+)*$/.test(String(value)))) {
    // A multi-select choice arrives as "1,3"; each number gets its label.
    return String(value)
      .split(',')
      .map((n) => {
        const label = options.find((o) => o.value === Number(n))?.label
        return label ? `${label} (${n})` : n
      })
      .join(', ')
  }
  if (typeof value === 'string') {
    const text = value.length > LONGEST ? `${value.slice(0, LONGEST)}…` : value
    return text === '' || text.trim() !== text || text === '—' ? JSON.stringify(text) : text
  }
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** `column: from → to`. */
export function formatChange(name: string, change: ColumnChange, columns: DiffColumns): string {
  const column = columns.get(name)
  return `${name}: ${formatValue(change.from, column, change.fromLabel)} → ${formatValue(change.to, column, change.toLabel)}`
}

/** An item's changes, one `column: from → to` each. */
export const formatChanges = (item: Pick<PlanItem, 'changes'>, columns: DiffColumns): string[] =>
  Object.entries(item.changes).map(([name, change]) => formatChange(name, change, columns))

/** The head of an item in a diff: where it came from, what happens, which record. */
export function itemHeading(item: PlanItem): string {
  const where =
    item.row !== null ? `Row ${item.row}${item.location ? ` (${item.location})` : ''}` : 'Mirror'
  return `${where} · ${item.action}${item.excluded ? ' (excluded)' : ''} · ${item.key ?? item.recordId ?? '?'}`
}

/** An item as a few lines: its heading, then each change (or its error) indented. */
export function formatItem(item: PlanItem, columns: DiffColumns, indent = '  '): string[] {
  const details = item.error ? [item.error] : formatChanges(item, columns)
  return [itemHeading(item), ...details.map((line) => `${indent}${indent}${line}`)].map(
    (line) => `${indent}${line}`
  )
}
