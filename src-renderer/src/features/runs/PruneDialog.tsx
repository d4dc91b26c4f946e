import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { BroomRegular } from '@fluentui/react-icons'
import { useState } from 'react'
import { usePrune } from '../../api/queries/runs'
import { ErrorMessage } from '../../components/ErrorMessage'
import { count, plural } from '../../components/format'

const useStyles = makeStyles({ form: { display: 'grid', gap: tokens.spacingVerticalM } })

const whole = (text: string): number | undefined =>
  text.trim() && Number.isInteger(Number(text)) && Number(text) >= 0 ? Number(text) : undefined

/** Prune old history: what would go is shown first (a dry run), then pruned on request. */
export function PruneDialog(): React.JSX.Element {
  const styles = useStyles()
  const [open, setOpen] = useState(false)
  const [days, setDays] = useState('90')
  const [keep, setKeep] = useState('10')
  const prune = usePrune()
  const policy = {
    ...(whole(days) !== undefined ? { olderThanDays: whole(days)! } : {}),
    ...(whole(keep) !== undefined ? { keep: whole(keep)! } : {})
  }
  const valid = Object.keys(policy).length > 0
  const result = prune.data
  const close = (): void => {
    prune.reset()
    setOpen(false)
  }
  return (
    <>
      <Button icon={<BroomRegular />} onClick={() => setOpen(true)}>
        Prune history…
      </Button>
      <Dialog open={open} onOpenChange={(_, d) => !d.open && close()}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>Prune the run history</DialogTitle>
            <DialogContent className={styles.form}>
              <Text>
                Runs go when every rule lets them: older than the days given, and not among the
                newest of their kind for their table. Mirrors, profiles, sign-ins and plans not
                applied yet are never touched.
              </Text>
              <Field
                label="Older than (days)"
                validationMessage={
                  days && whole(days) === undefined ? 'A whole number, 0 or more.' : undefined
                }
              >
                <Input type="number" min={0} value={days} onChange={(_, d) => setDays(d.value)} />
              </Field>
              <Field
                label="Keep the newest (per table and kind)"
                validationMessage={
                  keep && whole(keep) === undefined ? 'A whole number, 0 or more.' : undefined
                }
              >
                <Input type="number" min={0} value={keep} onChange={(_, d) => setKeep(d.value)} />
              </Field>
              {result && (
                <Text role="status" data-testid="prune-result">
                  {result.dryRun ? 'Would prune' : 'Pruned'} {plural(result.runs.length, 'run')}{' '}
                  with {plural(result.items, 'record')} and {plural(result.plans, 'applied plan')}.
                  {result.protectedRuns
                    ? ` ${count(result.protectedRuns)} kept: running, or a plan not applied yet.`
                    : ''}
                </Text>
              )}
              {prune.isError && <ErrorMessage error={prune.error} title="Nothing was pruned" />}
            </DialogContent>
            <DialogActions>
              <Button onClick={close}>Close</Button>
              <Button
                disabled={!valid || prune.isPending}
                onClick={() => prune.mutate({ ...policy, dryRun: true })}
              >
                Show what goes
              </Button>
              <Button
                appearance="primary"
                disabled={!valid || prune.isPending || !result?.dryRun || result.runs.length === 0}
                onClick={() => prune.mutate({ ...policy, dryRun: false })}
              >
                Prune
              </Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </>
  )
}
