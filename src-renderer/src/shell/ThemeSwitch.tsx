import {
  Menu,
  MenuButton,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger
} from '@fluentui/react-components'
import { DarkThemeRegular } from '@fluentui/react-icons'
import { useTheme, type ThemeChoice } from '../app/theme'

const LABELS: Record<ThemeChoice, string> = {
  system: 'Same as the system',
  light: 'Light',
  dark: 'Dark'
}

export function ThemeSwitch(): React.JSX.Element {
  const theme = useTheme()
  return (
    <Menu
      checkedValues={{ theme: [theme.choice] }}
      onCheckedValueChange={(_, data) => theme.choose(data.checkedItems[0] as ThemeChoice)}
    >
      <MenuTrigger disableButtonEnhancement>
        <MenuButton appearance="subtle" icon={<DarkThemeRegular />} data-testid="theme-switch">
          Theme: {theme.effective === 'dark' ? 'dark' : 'light'}
        </MenuButton>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {(Object.keys(LABELS) as ThemeChoice[]).map((choice) => (
            <MenuItemRadio key={choice} name="theme" value={choice}>
              {LABELS[choice]}
            </MenuItemRadio>
          ))}
        </MenuList>
      </MenuPopover>
    </Menu>
  )
}
