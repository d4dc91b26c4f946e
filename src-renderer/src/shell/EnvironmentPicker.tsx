import { Dropdown, Field, Option } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { environmentsQuery } from '../api/queries/environments'

/** The environment the Tables and Pulls screens work on, as in the Power Platform admin center. */
export function EnvironmentPicker({
  value,
  onChange
}: {
  value: number | undefined
  onChange(id: number): void
}): React.JSX.Element {
  const environments = useQuery(environmentsQuery)
  const list = environments.data ?? []
  const selected = list.find((e) => e.id === value)
  return (
    <Field label="Environment" orientation="horizontal">
      <Dropdown
        data-testid="environment-picker"
        placeholder={list.length ? 'Choose an environment' : 'No environments yet'}
        disabled={list.length === 0}
        value={selected?.name ?? ''}
        selectedOptions={selected ? [String(selected.id)] : []}
        onOptionSelect={(_, data) => data.optionValue && onChange(Number(data.optionValue))}
      >
        {list.map((e) => (
          <Option key={e.id} value={String(e.id)} text={e.name}>
            {e.name}
          </Option>
        ))}
      </Dropdown>
    </Field>
  )
}
