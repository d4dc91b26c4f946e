import { Dropdown, Field, Input, Option, makeStyles, tokens } from '@fluentui/react-components'
import { PROFILE_EMPTY_LABELS } from './EmptyRuleMenu'
import type { ProfileForm } from './profile-form'

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(14rem, 1fr))',
    alignItems: 'start',
    gap: tokens.spacingHorizontalM
  },
  control: { minWidth: 0, width: '100%' }
})

type Choice<K extends keyof ProfileForm> = { value: ProfileForm[K]; label: string }[]

const MODES: Choice<'mode'> = [
  { value: 'upsert', label: 'Create and update (upsert)' },
  { value: 'create', label: 'Create only' },
  { value: 'update', label: 'Update only' }
]
const MISSING: Choice<'missing'> = [
  { value: 'ignore', label: 'Leave them as they are' },
  { value: 'deactivate', label: 'Deactivate them' },
  { value: 'delete', label: 'Delete them' }
]
const STRATEGIES: Choice<'strategy'> = [
  { value: 'auto', label: 'Automatic' },
  { value: 'bulk', label: 'Bulk actions' },
  { value: 'batch', label: '$batch' },
  { value: 'single', label: 'One request per record' }
]
const SEPARATORS: Choice<'decimalSeparator'> = [
  { value: '.', label: 'Point (12.50)' },
  { value: ',', label: 'Comma (12,50)' }
]
const EMPTY: Choice<'emptyValues'> = [
  { value: 'ignore', label: `${PROFILE_EMPTY_LABELS.ignore} (default)` },
  { value: 'clear', label: PROFILE_EMPTY_LABELS.clear }
]

/** Mode, missing rows, empty cells, batch size, parallelism, strategy, time zone and decimal separator. */
export function PushOptionsFields({
  form,
  onChange,
  errorFor
}: {
  form: ProfileForm
  onChange(change: Partial<ProfileForm>): void
  errorFor(field: string): string | undefined
}): React.JSX.Element {
  const styles = useStyles()
  const choice = <K extends 'mode' | 'missing' | 'strategy' | 'decimalSeparator' | 'emptyValues'>(
    field: K,
    label: string,
    options: Choice<K>,
    hint?: string
  ) => (
    <Field label={label} hint={hint} validationMessage={errorFor(field)}>
      <Dropdown
        className={styles.control}
        value={options.find((o) => o.value === form[field])?.label ?? ''}
        selectedOptions={[String(form[field])]}
        onOptionSelect={(_, d) =>
          d.optionValue && onChange({ [field]: d.optionValue } as Partial<ProfileForm>)
        }
      >
        {options.map((o) => (
          <Option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </Option>
        ))}
      </Dropdown>
    </Field>
  )
  return (
    <div className={styles.grid}>
      {choice('mode', 'Mode', MODES)}
      {choice(
        'missing',
        'Records missing from the source',
        MISSING,
        'Records of the table that no row matches.'
      )}
      {choice(
        'emptyValues',
        'Empty cells in the source',
        EMPTY,
        'For columns without a rule of their own (If empty, in the mapping).'
      )}
      <Field
        label="Warn when clearing over (%)"
        hint="Of the rows, for any column. Empty: 10."
        validationMessage={errorFor('clearWarningPercent')}
      >
        <Input
          type="number"
          min={0}
          max={100}
          placeholder="10"
          value={form.clearWarningPercent}
          onChange={(_, d) => onChange({ clearWarningPercent: d.value })}
        />
      </Field>
      <Field
        label="Batch size"
        hint="Records per request, 1–1,000."
        validationMessage={errorFor('batchSize')}
      >
        <Input
          type="number"
          min={1}
          max={1000}
          value={form.batchSize}
          onChange={(_, d) => onChange({ batchSize: d.value })}
        />
      </Field>
      <Field
        label="Parallel requests"
        hint="Empty: as many as the server suggests."
        validationMessage={errorFor('parallelism')}
      >
        <Input
          type="number"
          min={1}
          max={64}
          value={form.parallelism}
          onChange={(_, d) => onChange({ parallelism: d.value })}
        />
      </Field>
      {choice('strategy', 'Requests', STRATEGIES)}
      <Field
        label="Time zone"
        hint="Of date-times written without an offset (IANA name)."
        validationMessage={errorFor('timeZone')}
      >
        <Input value={form.timeZone} onChange={(_, d) => onChange({ timeZone: d.value })} />
      </Field>
      {choice('decimalSeparator', 'Decimal separator', SEPARATORS)}
    </div>
  )
}
