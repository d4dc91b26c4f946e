import { Badge } from '@fluentui/react-components'
import type { ProfileView } from '../../../../src-shared/schemas/push'
import { VirtualGrid, type GridColumn } from '../../components/VirtualGrid'

const columns: GridColumn<ProfileView>[] = [
  { id: 'name', header: 'Name', width: 'minmax(7rem, 2fr)', render: (p) => p.name },
  {
    id: 'kind',
    header: 'Kind',
    width: '3.5rem',
    render: (p) => (
      <Badge appearance="tint" color={p.kind === 'push' ? 'brand' : 'informative'}>
        {p.kind === 'push' ? 'Push' : 'Pull'}
      </Badge>
    )
  },
  { id: 'table', header: 'Table', width: 'minmax(4.5rem, 1fr)', render: (p) => p.table },
  {
    id: 'environment',
    header: 'Environment',
    width: 'minmax(4.5rem, 1fr)',
    render: (p) => p.environmentName ?? '—'
  }
]

/** The saved profiles; the selected one opens in the editor beside. */
export function ProfileList({
  profiles,
  selected,
  onSelect
}: {
  profiles: ProfileView[]
  selected: string | undefined
  onSelect(name: string): void
}): React.JSX.Element {
  return (
    <VirtualGrid
      label="Profiles"
      testId="profile-list"
      rows={profiles}
      columns={columns}
      rowKey={(p) => p.name}
      selectedKey={selected}
      onSelect={(p) => onSelect(p.name)}
      minWidth="24rem"
    />
  )
}
