import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Subtitle2,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useState } from 'react'
import type { TableView } from '../../../../src-shared/schemas/metadata'
import { useEnableTracking } from '../../api/queries/tables'
import { ErrorMessage } from '../../components/ErrorMessage'
import { TrackingBadge } from '../../components/StatusBadges'

const useStyles = makeStyles({
  section: { display: 'grid', gap: tokens.spacingVerticalS, marginBlock: tokens.spacingVerticalL },
  row: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS }
})

/** Change tracking: on, off (with Enable), or not possible for this table. */
export function TrackingSection({
  environmentId,
  table
}: {
  environmentId: number
  table: TableView
}): React.JSX.Element {
  const styles = useStyles()
  const enable = useEnableTracking(environmentId, table.logicalName)
  const [open, setOpen] = useState(false)
  return (
    <section className={styles.section} aria-labelledby="tracking-heading">
      <Subtitle2 as="h3" id="tracking-heading">
        Change tracking
      </Subtitle2>
      <div className={styles.row}>
        <TrackingBadge
          enabled={table.changeTrackingEnabled}
          possible={table.canChangeTrackingBeEnabled}
        />
        <Text>
          {table.changeTrackingEnabled
            ? 'Pulls read only what changed since the last pull.'
            : table.canChangeTrackingBeEnabled
              ? 'Pulls need it: without it only a full read shows what changed.'
              : 'Dataverse does not allow change tracking on this table.'}
        </Text>
      </div>
      {!table.changeTrackingEnabled && table.canChangeTrackingBeEnabled && (
        <Dialog open={open} onOpenChange={(_, d) => setOpen(d.open)}>
          <DialogTrigger disableButtonEnhancement>
            <Button appearance="primary" disabled={enable.isPending}>
              {enable.isPending ? 'Enabling…' : 'Enable change tracking'}
            </Button>
          </DialogTrigger>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>Enable change tracking on {table.displayName}?</DialogTitle>
              <DialogContent>
                Dataverse starts recording changes to {table.logicalName} so pulls can ask only for
                them. Once on, change tracking cannot be turned off again.
              </DialogContent>
              <DialogActions>
                <DialogTrigger disableButtonEnhancement>
                  <Button appearance="secondary">Not now</Button>
                </DialogTrigger>
                <Button
                  appearance="primary"
                  onClick={() => {
                    setOpen(false)
                    enable.mutate()
                  }}
                >
                  Enable
                </Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
      {enable.isError && (
        <ErrorMessage
          error={enable.error}
          title="Change tracking was not enabled"
          onRetry={() => enable.mutate()}
        />
      )}
    </section>
  )
}
