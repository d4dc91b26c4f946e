import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Radio,
  RadioGroup,
  Text
} from '@fluentui/react-components'
import { ArrowUndoRegular } from '@fluentui/react-icons'
import { useState } from 'react'
import type { RunDetails } from '../../../../src-shared/schemas/runs'
import { usePlanUndo } from '../../api/queries/runs'
import { ErrorMessage } from '../../components/ErrorMessage'

/**
 * Undo an apply: its reverse is planned (nothing is written yet) and opened in the Preview,
 * where it is reviewed and applied like any plan.
 */
export function UndoButton({
  run,
  onPlanned
}: {
  run: RunDetails
  onPlanned(planId: number): void
}): React.JSX.Element {
  const [open, setOpen] = useState(false)
  const [created, setCreated] = useState<'delete' | 'deactivate'>('delete')
  const undo = usePlanUndo()
  const close = (): void => {
    undo.reset()
    setOpen(false)
  }
  return (
    <>
      <Button icon={<ArrowUndoRegular />} onClick={() => setOpen(true)} data-testid="undo-run">
        Undo…
      </Button>
      <Dialog open={open} onOpenChange={(_, d) => !d.open && close()}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Undo apply run {run.runId}?</DialogTitle>
            <DialogContent>
              <Text as="p">
                The reverse of what this run wrote to {run.table} in {run.environmentName} is
                planned first: updated records get their values back, deactivated ones are
                reactivated, deleted ones recreated. Records someone changed since are left alone
                and listed. You review the plan in the Preview before applying it.
              </Text>
              <Field label="Records this run created">
                <RadioGroup
                  value={created}
                  onChange={(_, d) => setCreated(d.value as 'delete' | 'deactivate')}
                >
                  <Radio value="delete" label="Delete them" />
                  <Radio value="deactivate" label="Deactivate them" />
                </RadioGroup>
              </Field>
              {undo.isError && <ErrorMessage error={undo.error} title="The undo was not planned" />}
            </DialogContent>
            <DialogActions>
              <Button onClick={close}>Cancel</Button>
              <Button
                appearance="primary"
                disabled={undo.isPending}
                onClick={() =>
                  undo.mutate(
                    { runId: run.runId, created },
                    {
                      onSuccess: ({ planId }) => {
                        close()
                        onPlanned(planId)
                      }
                    }
                  )
                }
              >
                {undo.isPending ? 'Planning…' : 'Plan the undo'}
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  )
}
