import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  MessageBar,
  MessageBarBody,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { ArrowExportRegular, DeleteRegular } from '@fluentui/react-icons'
import { useState } from 'react'
import type { ProfileView } from '../../../../src-shared/schemas/push'
import { useExportProfile, useRemoveProfile } from '../../api/queries/profiles'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PlanLauncher } from './PlanLauncher'
import { PullLauncher } from './PullLauncher'

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-start',
    gap: tokens.spacingHorizontalS
  }
})

/** What can be done with a saved profile: preview its push or run its pull, export it, delete it. */
export function ProfileActions({
  profile,
  dirty,
  onPlanned,
  onPulled,
  onRemoved
}: {
  profile: ProfileView
  /** The editor holds unsaved changes: the preview would not show them, so it waits. */
  dirty: boolean
  onPlanned(planId: number): void
  /** A pull profile's pull has started (its run id). */
  onPulled(runId: number): void
  onRemoved(): void
}): React.JSX.Element {
  const styles = useStyles()
  const exporter = useExportProfile()
  const remover = useRemoveProfile()
  const [confirm, setConfirm] = useState(false)
  return (
    <div className={styles.root}>
      <div className={styles.row}>
        {profile.kind === 'push' && profile.environmentId !== null && (
          <PlanLauncher
            profile={profile.name}
            environmentId={profile.environmentId}
            table={profile.table}
            disabled={profile.problem !== null || dirty}
            {...(dirty
              ? { hint: 'Save your changes first: the preview uses the saved profile.' }
              : {})}
            onPlanned={onPlanned}
          />
        )}
        {profile.kind === 'pull' && profile.environmentId !== null && (
          <PullLauncher
            profile={profile.name}
            environmentId={profile.environmentId}
            table={profile.table}
            disabled={profile.problem !== null || dirty}
            {...(dirty
              ? { hint: 'Save your changes first: the pull uses the saved profile.' }
              : {})}
            onStarted={onPulled}
          />
        )}
        <Button
          icon={<ArrowExportRegular />}
          onClick={() => exporter.mutate(profile.name)}
          disabled={exporter.isPending}
        >
          Export…
        </Button>
        <Button icon={<DeleteRegular />} onClick={() => setConfirm(true)}>
          Delete…
        </Button>
      </div>
      {exporter.data?.file && (
        <MessageBar intent="success" data-testid="profile-exported">
          <MessageBarBody>Exported to {exporter.data.file}.</MessageBarBody>
        </MessageBar>
      )}
      {exporter.isError && <ErrorMessage error={exporter.error} title="Not exported" />}
      <Dialog open={confirm} onOpenChange={(_, d) => setConfirm(d.open)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Delete profile {profile.name}?</DialogTitle>
            <DialogContent>
              Its settings are removed from this computer; runs made with it stay in the history.
              {remover.isError && <ErrorMessage error={remover.error} title="Not deleted" />}
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setConfirm(false)}>Keep it</Button>
              <Button
                appearance="primary"
                onClick={() =>
                  remover.mutate(profile.name, {
                    onSuccess: () => {
                      setConfirm(false)
                      onRemoved()
                    }
                  })
                }
              >
                Delete
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </div>
  )
}
