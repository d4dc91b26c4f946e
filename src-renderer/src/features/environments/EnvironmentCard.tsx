import {
  Badge,
  Button,
  Caption1,
  Card,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  CardHeader,
  Spinner,
  Text,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useEffect, useRef } from 'react'
import type { EnvironmentView } from '../../../../src-shared/schemas/environments'
import {
  useCancelSignIn,
  useLatestSignIn,
  useSignIn,
  useSignOut
} from '../../api/queries/environments'
import { ErrorMessage } from '../../components/ErrorMessage'
import { ConnectionTestPanel } from './ConnectionTestPanel'
import { RemoveEnvironmentButton } from './RemoveEnvironmentButton'
import { KINDS } from './sign-in-kinds'

const useStyles = makeStyles({
  card: { maxWidth: '52rem' },
  row: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground2 }
})

/** One environment: where it is, how it signs in, who is signed in, and what can be done. */
export function EnvironmentCard({
  environment: env,
  autoSignIn,
  onOpen
}: {
  environment: EnvironmentView
  /** Start the sign-in as soon as the card shows (right after adding). */
  autoSignIn?: boolean
  onOpen(): void
}): React.JSX.Element {
  const styles = useStyles()
  const signIn = useSignIn(env.id)
  const latest = useLatestSignIn(env.id)
  const cancel = useCancelSignIn(env.id)
  const signOut = useSignOut(env.id)
  const started = useRef(false)
  const { mutate } = signIn
  useEffect(() => {
    if (autoSignIn && !started.current) {
      started.current = true
      mutate()
    }
  }, [autoSignIn, mutate])

  const waiting = latest?.status === 'pending'
  const user = env.signInStyle === 'user'
  const headingId = `environment-${env.id}`
  return (
    <Card
      className={styles.card}
      data-testid={`environment-${env.name}`}
      aria-labelledby={headingId}
    >
      <CardHeader
        header={
          <Text as="h2" weight="semibold" size={400} id={headingId}>
            {env.name}
          </Text>
        }
        description={<Caption1 className={styles.muted}>{env.url}</Caption1>}
        action={<RemoveEnvironmentButton environment={env} />}
      />
      <div className={styles.row}>
        <Badge appearance="outline" color="informative">
          {env.builtInSandbox ? 'Built-in sandbox' : KINDS[env.authKind].label}
        </Badge>
        {user && env.signedIn && env.account && (
          <Text data-testid="signed-in-account">Signed in as {env.account.username}</Text>
        )}
        {user && !env.signedIn && !waiting && (
          <Text className={styles.muted} data-testid="signed-out">
            Not signed in{env.account ? ` (last: ${env.account.username})` : ''}
          </Text>
        )}
        {!user && !env.problem && <Text className={styles.muted}>Signs in by itself</Text>}
      </div>
      {env.problem && (
        <MessageBar intent="warning" layout="multiline" data-testid="environment-problem">
          <MessageBarBody>
            <MessageBarTitle>Can’t tell whether it is signed in</MessageBarTitle>
            {env.problem}
          </MessageBarBody>
        </MessageBar>
      )}
      {waiting && (
        <div className={styles.row} role="status">
          <Spinner size="tiny" label="Waiting for the browser: finish signing in there." />
          <Button onClick={() => cancel.mutate()} disabled={cancel.isPending}>
            Cancel sign-in
          </Button>
        </div>
      )}
      {latest?.status === 'error' && (
        <ErrorMessage error={latest.error} title="Sign-in did not complete" />
      )}
      {signOut.isError && <ErrorMessage error={signOut.error} title="Could not sign out" />}
      <ConnectionTestPanel environmentId={env.id}>
        {user && !waiting && (
          <Button
            appearance={env.signedIn ? 'secondary' : 'primary'}
            onClick={() => signIn.mutate()}
          >
            {env.signedIn ? 'Sign in again' : 'Sign in'}
          </Button>
        )}
        {user && env.signedIn && !waiting && (
          <Button onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </Button>
        )}
        <Button onClick={onOpen}>Open tables</Button>
      </ConnectionTestPanel>
    </Card>
  )
}
