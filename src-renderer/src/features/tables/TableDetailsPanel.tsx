import {
  Button,
  Caption1,
  Spinner,
  Subtitle1,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { ArrowSyncRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import { tableQuery } from '../../api/queries/tables'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, dateTime } from '../../components/format'
import { ColumnsGrid } from './ColumnsGrid'
import { KeysSection } from './KeysSection'
import { TrackingSection } from './TrackingSection'

const useStyles = makeStyles({
  header: { display: 'flex', alignItems: 'flex-start', gap: tokens.spacingHorizontalM },
  title: { display: 'flex', flexDirection: 'column', flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground2 }
})

/** One table: change tracking, alternate keys with their index status, and its columns. */
export function TableDetailsPanel({
  environmentId,
  table,
  onPull
}: {
  environmentId: number
  table: string
  onPull(): void
}): React.JSX.Element {
  const styles = useStyles()
  const details = useQuery(tableQuery(environmentId, table))
  if (details.isPending) return <Spinner label={`Loading ${table}…`} />
  if (details.isError)
    return (
      <ErrorMessage
        error={details.error}
        title={`Could not load table ${table}`}
        onRetry={() => void details.refetch()}
      />
    )
  const t = details.data
  return (
    <div data-testid="table-details" data-table={t.logicalName}>
      <div className={styles.header}>
        <div className={styles.title}>
          <Subtitle1 as="h2">{t.displayName}</Subtitle1>
          <Caption1 className={styles.muted}>
            {t.logicalName} · entity set {t.entitySetName} · primary id {t.primaryIdAttribute}
            {t.mirror
              ? ` · mirror: ${count(t.mirror.rowCount)} rows, last pulled ${dateTime(t.mirror.lastPullAt)}`
              : ' · not pulled yet'}
          </Caption1>
        </div>
        <Button icon={<ArrowSyncRegular />} onClick={onPull}>
          Pull…
        </Button>
      </div>
      <TrackingSection environmentId={environmentId} table={t} />
      <KeysSection environmentId={environmentId} table={t} />
      <ColumnsGrid columns={t.columns} keys={t.keys} />
    </div>
  )
}
