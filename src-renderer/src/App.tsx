import { Body1, Spinner, Title2, makeStyles, tokens } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { call } from './api/client'

const useStyles = makeStyles({
  root: { padding: tokens.spacingHorizontalXXL, display: 'grid', gap: tokens.spacingVerticalM }
})

export function App(): React.JSX.Element {
  const styles = useStyles()
  const info = useQuery({ queryKey: ['app:info'], queryFn: () => call('app:info', {}) })
  return (
    <main className={styles.root} data-app-state={info.isSuccess ? 'ready' : 'loading'}>
      <Title2 as="h1">Dataverse Sync Studio</Title2>
      {info.isPending && <Spinner label="Starting…" />}
      {info.isError && <Body1 role="alert">Could not reach the app: {info.error.message}</Body1>}
      {info.isSuccess && (
        <Body1>
          Version {info.data.version} on {info.data.platform}
        </Body1>
      )}
    </main>
  )
}
