import { Button, Caption1, makeStyles, tokens } from '@fluentui/react-components'
import {
  ArrowSyncRegular,
  DatabaseRegular,
  DocumentBulletListRegular,
  EyeRegular,
  GlobeRegular,
  HistoryRegular,
  TableRegular
} from '@fluentui/react-icons'
import type { Screen } from '../../../src-shared/schemas/app'

const useStyles = makeStyles({
  nav: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXXS,
    padding: tokens.spacingVerticalS,
    borderRight: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground2,
    minWidth: '13rem'
  },
  item: { justifyContent: 'flex-start', width: '100%' },
  current: {
    backgroundColor: tokens.colorNeutralBackground1Selected,
    fontWeight: tokens.fontWeightSemibold
  },
  section: {
    marginTop: tokens.spacingVerticalL,
    paddingInline: tokens.spacingHorizontalS,
    color: tokens.colorNeutralForeground2
  }
})

const SCREENS: { screen: Screen; label: string; icon: React.JSX.Element; shortcut: string }[] = [
  { screen: 'environments', label: 'Environments', icon: <GlobeRegular />, shortcut: '1' },
  { screen: 'tables', label: 'Tables', icon: <TableRegular />, shortcut: '2' },
  { screen: 'pulls', label: 'Pulls & changes', icon: <ArrowSyncRegular />, shortcut: '3' }
]

/** Pushing rows into Dataverse: profiles, their preview, and the runs. */
const SYNC: typeof SCREENS = [
  { screen: 'profiles', label: 'Profiles', icon: <DocumentBulletListRegular />, shortcut: '4' },
  { screen: 'preview', label: 'Preview', icon: <EyeRegular />, shortcut: '5' },
  { screen: 'runs', label: 'Runs', icon: <HistoryRegular />, shortcut: '6' }
]

export function Navigation({
  current,
  onNavigate
}: {
  current: Screen
  onNavigate(screen: Screen): void
}): React.JSX.Element {
  const styles = useStyles()
  const button = (s: (typeof SCREENS)[number]): React.JSX.Element => (
    <Button
      key={s.screen}
      appearance="subtle"
      icon={s.icon}
      className={current === s.screen ? `${styles.item} ${styles.current}` : styles.item}
      aria-current={current === s.screen ? 'page' : undefined}
      aria-keyshortcuts={`Control+${s.shortcut}`}
      onClick={() => onNavigate(s.screen)}
      data-testid={`nav-${s.screen}`}
    >
      {s.label}
    </Button>
  )
  return (
    <nav aria-label="Main" className={styles.nav}>
      {SCREENS.map(button)}
      <Caption1 as="h2" className={styles.section}>
        <DatabaseRegular aria-hidden /> Sync
      </Caption1>
      {SYNC.map(button)}
    </nav>
  )
}
