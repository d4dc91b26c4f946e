import { Badge, Button, Caption1, makeStyles, tokens } from '@fluentui/react-components'
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
  },
  coming: { marginLeft: 'auto' }
})

const SCREENS: { screen: Screen; label: string; icon: React.JSX.Element; shortcut: string }[] = [
  { screen: 'environments', label: 'Environments', icon: <GlobeRegular />, shortcut: '1' },
  { screen: 'tables', label: 'Tables', icon: <TableRegular />, shortcut: '2' },
  { screen: 'pulls', label: 'Pulls & changes', icon: <ArrowSyncRegular />, shortcut: '3' }
]

/** Screens of later releases: shown so the map of the app is complete, but not usable yet. */
const COMING = [
  { label: 'Profiles', icon: <DocumentBulletListRegular /> },
  { label: 'Preview', icon: <EyeRegular /> },
  { label: 'Runs', icon: <HistoryRegular /> }
]

export function Navigation({
  current,
  onNavigate
}: {
  current: Screen
  onNavigate(screen: Screen): void
}): React.JSX.Element {
  const styles = useStyles()
  return (
    <nav aria-label="Main" className={styles.nav}>
      {SCREENS.map((s) => (
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
      ))}
      <Caption1 as="h2" className={styles.section} id="coming-heading">
        <DatabaseRegular aria-hidden /> Sync (coming)
      </Caption1>
      {COMING.map((c) => (
        <Button
          key={c.label}
          appearance="subtle"
          icon={c.icon}
          className={styles.item}
          disabledFocusable
          aria-describedby="coming-heading"
          data-testid={`nav-coming-${c.label.toLowerCase()}`}
        >
          {c.label}
          <Badge className={styles.coming} appearance="outline" size="small" color="informative">
            Coming
          </Badge>
        </Button>
      ))}
    </nav>
  )
}
