import { Button, Title2 } from '@fluentui/react-components'
import { EmptyState } from './EmptyState'

/** What Tables and Pulls show before there is an environment to work on. */
export function NoEnvironment({
  title,
  onAddEnvironment
}: {
  title: string
  onAddEnvironment(): void
}): React.JSX.Element {
  return (
    <>
      <Title2 as="h1">{title}</Title2>
      <EmptyState
        title="No environment yet"
        action={
          <Button appearance="primary" onClick={onAddEnvironment}>
            Go to Environments
          </Button>
        }
      >
        Add an environment (or the built-in sandbox) first; its tables are shown here.
      </EmptyState>
    </>
  )
}
