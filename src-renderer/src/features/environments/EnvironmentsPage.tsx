import { Button, Spinner, Title2, makeStyles, tokens } from '@fluentui/react-components'
import { AddRegular, BeakerRegular } from '@fluentui/react-icons'
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { environmentsQuery, useAddSandbox } from '../../api/queries/environments'
import { EmptyState } from '../../components/EmptyState'
import { ErrorMessage, QueryError } from '../../components/ErrorMessage'
import { AddEnvironmentDialog } from './AddEnvironmentDialog'
import { EnvironmentCard } from './EnvironmentCard'

const useStyles = makeStyles({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS
  },
  list: { display: 'grid', gap: tokens.spacingVerticalM }
})

/** Environments: add (any sign-in kind, or the one-click sandbox), sign in and out, test. */
export function EnvironmentsPage({
  addRequested,
  onAddHandled,
  onOpen
}: {
  /** The menu's Add environment (Ctrl+N) asks for the dialog. */
  addRequested: boolean
  onAddHandled(): void
  onOpen(id: number): void
}): React.JSX.Element {
  const styles = useStyles()
  const environments = useQuery(environmentsQuery)
  const addSandbox = useAddSandbox()
  const [opened, setOpened] = useState(false)
  const dialogOpen = opened || addRequested
  const setDialogOpen = (open: boolean): void => {
    setOpened(open)
    if (!open) onAddHandled()
  }
  const [autoSignIn, setAutoSignIn] = useState<number>()
  const hasSandbox = environments.data?.some((e) => e.builtInSandbox) ?? false

  const sandboxButton = (
    <Button
      icon={<BeakerRegular />}
      disabled={hasSandbox || addSandbox.isPending}
      onClick={() => addSandbox.mutate(undefined, { onSuccess: (env) => setAutoSignIn(env.id) })}
    >
      {addSandbox.isPending ? 'Starting the sandbox…' : 'Add the built-in sandbox'}
    </Button>
  )
  return (
    <>
      <Title2 as="h1">Environments</Title2>
      <div className={styles.toolbar}>
        <Button appearance="primary" icon={<AddRegular />} onClick={() => setDialogOpen(true)}>
          Add environment
        </Button>
        {sandboxButton}
      </div>
      {addSandbox.isError && (
        <ErrorMessage error={addSandbox.error} title="Could not add the built-in sandbox" />
      )}
      {environments.isPending && <Spinner label="Loading environments…" />}
      <QueryError query={environments} title="Could not load the environments" />
      {environments.data?.length === 0 && (
        <EmptyState title="No environments yet">
          Add your Dataverse environment, or try everything safely first on the built-in sandbox: a
          local copy of the Dataverse Web API with demo data (Add the built-in sandbox).
        </EmptyState>
      )}
      <section className={styles.list} aria-label="Environments">
        {environments.data?.map((env) => (
          <EnvironmentCard
            key={env.id}
            environment={env}
            autoSignIn={autoSignIn === env.id}
            onOpen={() => onOpen(env.id)}
          />
        ))}
      </section>
      <AddEnvironmentDialog
        open={dialogOpen}
        onClose={() => setDialogOpen(false)}
        onAdded={(env, signInNow) => {
          setDialogOpen(false)
          if (signInNow) setAutoSignIn(env.id)
        }}
      />
    </>
  )
}
