import { isLookup, type ColumnModel, type TableModel } from '../schema/model'
import type { SandboxState } from '../state'
import type { Row } from '../storage/table-store'
import { lookupTarget } from './row-json'

const FORMATTED = 'OData.Community.Display.V1.FormattedValue'
const LOOKUP_NAME = 'Microsoft.Dynamics.CRM.lookuplogicalname'
const NAV_PROPERTY = 'Microsoft.Dynamics.CRM.associatednavigationproperty'

/**
 * `Prefer: odata.include-annotations="…"` (reference §8.4): `*`, exact names, `Namespace.*`
 * wildcards and `-name` exclusions. Returns undefined when nothing was asked for.
 */
export function annotationMatcher(
  prefs: ReadonlyMap<string, string>
): ((term: string) => boolean) | undefined {
  const raw = prefs.get('odata.include-annotations')
  if (!raw) return undefined
  const patterns = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
  const matches = (pattern: string, term: string): boolean =>
    pattern === '*' ||
    pattern === term ||
    (pattern.endsWith('.*') && term.startsWith(pattern.slice(0, -1)))
  return (term) =>
    !patterns.some((p) => p.startsWith('-') && matches(p.slice(1), term)) &&
    patterns.some((p) => !p.startsWith('-') && matches(p, term))
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 10 })

function formatDate(text: string, dateOnly: boolean): string {
  const d = new Date(dateOnly ? `${text}T00:00:00Z` : text)
  const date = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`
  if (dateOnly) return date
  const h = d.getUTCHours()
  const minutes = String(d.getUTCMinutes()).padStart(2, '0')
  return `${date} ${h % 12 === 0 ? 12 : h % 12}:${minutes} ${h < 12 ? 'AM' : 'PM'}`
}

/** Adds the requested annotations for one column just before its value, as the service does. */
export function annotator(state: SandboxState, wants: (term: string) => boolean) {
  return (column: ColumnModel, row: Row, out: Record<string, unknown>): void => {
    const value = row[column.name]
    if (value === null || value === undefined) return
    const key = column.jsonName
    if (wants(FORMATTED)) {
      const formatted = formattedValue(state, column, row, value)
      if (formatted !== undefined) out[`${key}@${FORMATTED}`] = formatted
    }
    if (isLookup(column)) {
      const target = lookupTarget(column, row)
      const nav = column.targets?.find((t) => t.table === target)
      if (wants(NAV_PROPERTY) && nav) out[`${key}@${NAV_PROPERTY}`] = nav.navigationProperty
      if (wants(LOOKUP_NAME) && target) out[`${key}@${LOOKUP_NAME}`] = target
    }
  }
}

function formattedValue(
  state: SandboxState,
  column: ColumnModel,
  row: Row,
  value: unknown
): string | undefined {
  switch (column.type) {
    case 'Picklist':
    case 'State':
    case 'Status':
      return column.options?.find((o) => o.value === value)?.label
    case 'Boolean':
      return value === 1 || value === true ? 'Yes' : 'No'
    case 'Money':
      return money.format(Number(value))
    case 'Integer':
    case 'BigInt':
    case 'Decimal':
    case 'Double':
      return number.format(Number(value))
    case 'DateTime':
      return formatDate(String(value), column.format === 'DateOnly')
    case 'Lookup':
    case 'Customer': {
      const target = lookupTarget(column, row)
      const table: TableModel | undefined = target ? state.catalog.table(target) : undefined
      if (!table) return undefined
      const referenced = state.catalog.store(table.logicalName).get(String(value))
      const name = referenced?.[table.primaryName]
      return typeof name === 'string' ? name : undefined
    }
    default:
      return undefined
  }
}
