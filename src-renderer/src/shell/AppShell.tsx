import { Spinner, Title3, makeStyles, tokens } from '@fluentui/react-components'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useState } from 'react'
import type { AppCommand } from '../../../src-shared/schemas/app'
import { useMainEvents } from '../api/events'
import { appInfoQuery } from '../api/queries/app'
import { environmentsQuery } from '../api/queries/environments'
import { useRoute } from '../app/route'
import { useTheme } from '../app/theme'
import { QueryError } from '../components/ErrorMessage'
import { EnvironmentsPage } from '../features/environments/EnvironmentsPage'
import { PreviewPage } from '../features/preview/PreviewPage'
import { ProfilesPage } from '../features/profiles/ProfilesPage'
import { PullsPage } from '../features/pulls/PullsPage'
import { RunsPage } from '../features/runs/RunsPage'
import { TablesPage } from '../features/tables/TablesPage'
import { EnvironmentPicker } from './EnvironmentPicker'
import { Navigation } from './Navigation'
import { ThemeSwitch } from './ThemeSwitch'

const useStyles = makeStyles({
  root: {
    display: 'grid',
    gridTemplateRows: 'auto 1fr',
    gridTemplateColumns: 'auto 1fr',
    height: '100vh',
    backgroundColor: tokens.colorNeutralBackground2,
    color: tokens.colorNeutralForeground1
  },
  header: {
    gridColumn: '1 / -1',
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalL,
    paddingInline: tokens.spacingHorizontalL,
    paddingBlock: tokens.spacingVerticalS,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`
  },
  spacer: { flexGrow: 1 },
  title: { margin: 0 },
  main: {
    minWidth: 0,
    minHeight: 0,
    overflow: 'auto',
    display: 'flex',
    flexDirection: 'column',
    padding: tokens.spacingHorizontalXL,
    gap: tokens.spacingVerticalL
  }
})

/** The window: header with the environment picker and theme, navigation, and the screen. */
export function AppShell(): React.JSX.Element {
  const styles = useStyles()
  const [route, navigate] = useRoute()
  const theme = useTheme()
  const queryClient = useQueryClient()
  const info = useQuery(appInfoQuery)
  const environments = useQuery(environmentsQuery)
  const [addRequested, setAddRequested] = useState(false)

  // Default to the first environment so Tables and Pulls have something to show.
  const first = environments.data?.[0]?.id
  const known = environments.data?.some((e) => e.id === route.environmentId)
  useEffect(() => {
    if (environments.data && !known && first !== undefined) navigate({ environmentId: first })
  }, [environments.data, known, first, navigate])

  const onCommand = useCallback(
    (command: AppCommand) => {
      if (command.command === 'navigate') navigate({ screen: command.to })
      else if (command.command === 'toggle-theme') theme.toggle()
      else if (command.command === 'refresh') void queryClient.invalidateQueries()
      else {
        navigate({ screen: 'environments' })
        setAddRequested(true)
      }
    },
    [navigate, theme, queryClient]
  )
  useMainEvents(onCommand)

  const environmentId = known ? route.environmentId : undefined
  const state =
    info.isSuccess && environments.isSuccess ? 'ready' : info.isError ? 'error' : 'loading'
  return (
    <div className={styles.root} data-app-state={state} data-screen={route.screen}>
      <header className={styles.header}>
        <Title3 as="p" className={styles.title}>
          Dataverse Sync Studio
        </Title3>
        <div className={styles.spacer} />
        {route.screen !== 'environments' && (
          <EnvironmentPicker
            value={environmentId}
            onChange={(id) => navigate({ environmentId: id })}
          />
        )}
        <ThemeSwitch />
      </header>
      <Navigation current={route.screen} onNavigate={(screen) => navigate({ screen })} />
      <main className={styles.main} id="main">
        <QueryError query={info} title="The app could not start" />
        {info.isPending && <Spinner label="Starting…" />}
        {info.isSuccess && route.screen === 'environments' && (
          <EnvironmentsPage
            addRequested={addRequested}
            onAddHandled={() => setAddRequested(false)}
            onOpen={(id) => navigate({ screen: 'tables', environmentId: id })}
          />
        )}
        {info.isSuccess && route.screen === 'tables' && (
          <TablesPage
            environmentId={environmentId}
            table={route.table}
            onSelectTable={(table) => navigate({ table })}
            onPull={(table) => navigate({ screen: 'pulls', table })}
            onAddEnvironment={() => navigate({ screen: 'environments' })}
          />
        )}
        {info.isSuccess && route.screen === 'pulls' && (
          <PullsPage
            environmentId={environmentId}
            table={route.table}
            runId={route.runId}
            onChange={navigate}
            onAddEnvironment={() => navigate({ screen: 'environments' })}
          />
        )}
        {info.isSuccess && route.screen === 'profiles' && (
          <ProfilesPage
            environmentId={environmentId}
            profile={route.profile}
            onChange={navigate}
            onAddEnvironment={() => navigate({ screen: 'environments' })}
          />
        )}
        {info.isSuccess && route.screen === 'preview' && (
          <PreviewPage environmentId={environmentId} planId={route.planId} onChange={navigate} />
        )}
        {info.isSuccess && route.screen === 'runs' && (
          <RunsPage environmentId={environmentId} runId={route.runId} onChange={navigate} />
        )}
      </main>
    </div>
  )
}
