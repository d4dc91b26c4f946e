import { Dropdown, Field, Input, Option, makeStyles, tokens } from '@fluentui/react-components'
import type { RunFilter } from '../../api/queries/runs'

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalM
  }
})

const KINDS = [
  { value: '', label: 'Every kind' },
  { value: 'pull', label: 'Pulls' },
  { value: 'plan', label: 'Plans' },
  { value: 'apply', label: 'Applies' },
  { value: 'undo', label: 'Undos' }
] as const
const STATES = [
  { value: '', label: 'Any state' },
  { value: 'completed', label: 'Completed' },
  { value: 'failed', label: 'Failed' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'interrupted', label: 'Interrupted' },
  { value: 'running', label: 'Running' }
] as const

/** Which runs the history and the charts show: kind, state, table, start date. */
export function RunFilters({
  filter,
  onChange
}: {
  filter: RunFilter
  onChange(filter: RunFilter): void
}): React.JSX.Element {
  const styles = useStyles()
  const set = (patch: Partial<RunFilter>): void => {
    const next: Record<string, unknown> = { ...filter, ...patch }
    for (const [k, v] of Object.entries(next)) if (v === '' || v === undefined) delete next[k]
    onChange(next as RunFilter)
  }
  const since = filter.from?.slice(0, 10) ?? ''
  return (
    <div className={styles.root} role="search" aria-label="Filter the runs">
      <Field label="Kind">
        <Dropdown
          data-testid="filter-kind"
          value={KINDS.find((k) => k.value === (filter.kind ?? ''))?.label ?? ''}
          selectedOptions={[filter.kind ?? '']}
          onOptionSelect={(_, d) =>
            set({ kind: (d.optionValue || undefined) as RunFilter['kind'] })
          }
        >
          {KINDS.map((k) => (
            <Option key={k.value} value={k.value}>
              {k.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="State">
        <Dropdown
          value={STATES.find((s) => s.value === (filter.status ?? ''))?.label ?? ''}
          selectedOptions={[filter.status ?? '']}
          onOptionSelect={(_, d) =>
            set({ status: (d.optionValue || undefined) as RunFilter['status'] })
          }
        >
          {STATES.map((s) => (
            <Option key={s.value} value={s.value}>
              {s.label}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field label="Table">
        <Input
          value={filter.table ?? ''}
          placeholder="Any table"
          onChange={(_, d) => set({ table: d.value.trim().toLowerCase() || undefined })}
        />
      </Field>
      <Field label="Started on or after">
        <Input
          type="date"
          value={since}
          onChange={(_, d) =>
            set({ from: d.value ? new Date(`${d.value}T00:00:00`).toISOString() : undefined })
          }
        />
      </Field>
    </div>
  )
}
