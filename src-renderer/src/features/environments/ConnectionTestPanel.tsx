import { Button, Spinner, Text, makeStyles, tokens } from '@fluentui/react-components'
import { CheckmarkCircleRegular } from '@fluentui/react-icons'
import { useTestConnection } from '../../api/queries/environments'
import { ErrorMessage } from '../../components/ErrorMessage'
import { duration, plural } from '../../components/format'

const useStyles = makeStyles({
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  result: { display: 'flex', alignItems: 'flex-start', gap: tokens.spacingHorizontalS },
  ok: { color: tokens.colorStatusSuccessForeground1, flexShrink: 0, marginTop: '3px' }
})

/**
 * Test connection: who am I in the environment, and how long it keeps changes. The card's other
 * actions come in as children, so all of them sit in one row.
 */
export function ConnectionTestPanel({
  environmentId,
  children
}: {
  environmentId: number
  children?: React.ReactNode
}): React.JSX.Element {
  const styles = useStyles()
  const test = useTestConnection(environmentId)
  return (
    <>
      <div className={styles.row}>
        {children}
        <Button onClick={() => test.mutate()} disabled={test.isPending}>
          Test connection
        </Button>
        {test.isPending && <Spinner size="tiny" label="Connecting…" />}
      </div>
      {test.isSuccess && (
        <div className={styles.result} role="status" data-testid="connection-ok">
          <CheckmarkCircleRegular className={styles.ok} aria-hidden />
          <Text>
            Connected as user {test.data.userId} (organisation {test.data.organizationId}) in{' '}
            {duration(test.data.durationMs)}.
            {test.data.retentionDays !== null &&
              ` Dataverse keeps changes for ${plural(test.data.retentionDays, 'day')}: pull at least that often to avoid full resyncs.`}
          </Text>
        </div>
      )}
      {test.isError && (
        <ErrorMessage
          error={test.error}
          title="The connection test failed"
          onRetry={() => test.mutate()}
        />
      )}
    </>
  )
}
