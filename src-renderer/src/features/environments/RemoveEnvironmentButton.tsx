import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger
} from '@fluentui/react-components'
import { DeleteRegular } from '@fluentui/react-icons'
import { useState } from 'react'
import type { EnvironmentView } from '../../../../src-shared/schemas/environments'
import { useRemoveEnvironment } from '../../api/queries/environments'
import { ErrorMessage } from '../../components/ErrorMessage'

/** Remove, after a confirmation that says what goes and what stays. */
export function RemoveEnvironmentButton({
  environment
}: {
  environment: EnvironmentView
}): React.JSX.Element {
  const [open, setOpen] = useState(false)
  const remove = useRemoveEnvironment()
  return (
    <Dialog open={open} onOpenChange={(_, d) => setOpen(d.open)}>
      <DialogTrigger disableButtonEnhancement>
        <Button
          appearance="subtle"
          icon={<DeleteRegular />}
          aria-label={`Remove ${environment.name}`}
        />
      </DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Remove {environment.name}?</DialogTitle>
          <DialogContent>
            Its mirrors and its stored sign-in are removed from this computer. Nothing changes in
            Dataverse, and the run history is kept.
            {remove.isError && <ErrorMessage error={remove.error} title="Could not remove it" />}
          </DialogContent>
          <DialogActions>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary">Keep it</Button>
            </DialogTrigger>
            <Button
              appearance="primary"
              disabled={remove.isPending}
              onClick={() => remove.mutate(environment.id, { onSuccess: () => setOpen(false) })}
            >
              Remove
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  )
}
