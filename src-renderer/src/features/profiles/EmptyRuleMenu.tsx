import {
  makeStyles,
  Menu,
  MenuButton,
  MenuGroup,
  MenuGroupHeader,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Tooltip
} from '@fluentui/react-components'
import { EraserRegular } from '@fluentui/react-icons'
import type { ColumnMapping, PushSettings } from '../../../../src-shared/schemas/push'

const useStyles = makeStyles({ button: { whiteSpace: 'nowrap' } })

type Rule = NonNullable<ColumnMapping['empty']> | 'profile'

export const PROFILE_EMPTY_LABELS: Record<NonNullable<PushSettings['emptyValues']>, string> = {
  ignore: 'Leave the column as it is',
  clear: 'Clear the column'
}

const LONG: Record<Exclude<Rule, 'profile'>, string> = {
  ...PROFILE_EMPTY_LABELS,
  default: 'Write a value…'
}

/**
 * The button's word for a column's own rule: short, since the mapping row is crowded (it must
 * fit 1366 px), and part of its accessible name (which says the whole rule), as WCAG's
 * label-in-name asks. Following the profile, the usual case, it is only the icon, so a column
 * with a rule of its own stands out and a lookup's key picker keeps its room.
 */
const SHORT: Record<Exclude<Rule, 'profile'>, string> = {
  ignore: 'Leave',
  clear: 'Clear',
  default: 'Value'
}

/**
 * "If empty": what an empty source cell does to this column. A small menu button on the mapping
 * row; "Write a value…" asks for the value on the line under the row (MappingEditor).
 */
export function EmptyRuleMenu({
  mapping,
  profileRule,
  onChange
}: {
  mapping: ColumnMapping
  profileRule: NonNullable<PushSettings['emptyValues']>
  onChange(change: Pick<ColumnMapping, 'empty' | 'emptyDefault'>): void
}): React.JSX.Element {
  const styles = useStyles()
  const rule: Rule = mapping.empty ?? 'profile'
  const describe = (r: Rule): string =>
    r === 'profile' ? `Profile rule (${PROFILE_EMPTY_LABELS[profileRule].toLowerCase()})` : LONG[r]
  const name = `If ${mapping.source} is empty: ${describe(rule)}`
  return (
    <Menu
      checkedValues={{ empty: [rule] }}
      onCheckedValueChange={(_, d) => {
        const next = d.checkedItems[0] as Rule
        onChange(
          next === 'profile'
            ? { empty: undefined, emptyDefault: undefined }
            : {
                empty: next,
                emptyDefault: next === 'default' ? (mapping.emptyDefault ?? '') : undefined
              }
        )
      }}
    >
      <MenuTrigger disableButtonEnhancement>
        <Tooltip content={name} relationship="description">
          <MenuButton
            className={styles.button}
            size="small"
            appearance="subtle"
            icon={<EraserRegular />}
            aria-label={name}
            data-testid="empty-rule"
            data-rule={rule}
          >
            {rule === 'profile' ? undefined : SHORT[rule]}
          </MenuButton>
        </Tooltip>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          <MenuGroup>
            <MenuGroupHeader>If {mapping.source} is empty</MenuGroupHeader>
            {(['profile', 'ignore', 'clear', 'default'] as const).map((r) => (
              <MenuItemRadio key={r} name="empty" value={r}>
                {describe(r)}
              </MenuItemRadio>
            ))}
          </MenuGroup>
        </MenuList>
      </MenuPopover>
    </Menu>
  )
}
