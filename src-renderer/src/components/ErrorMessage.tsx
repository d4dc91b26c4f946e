import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle
} from '@fluentui/react-components'
import type { ErrorCode } from '../../../src-shared/contract'
import { IpcError } from '../api/client'

const TITLES: Record<ErrorCode, string> = {
  INVALID_INPUT: 'Check what was entered',
  UNAUTHENTICATED: 'Sign-in needed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Already there',
  PRECONDITION: 'Something is needed first',
  DATAVERSE: 'Dataverse refused the request',
  UNREACHABLE: 'Dataverse could not be reached',
  CANCELLED: 'Cancelled',
  FORBIDDEN_SENDER: 'Refused',
  INTERNAL: 'Something went wrong'
}

/** What to do next, when the message itself does not say. */
const ADVICE: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: 'Sign in to the environment again on the Environments screen, then retry.',
  UNREACHABLE: 'Check the environment URL and the network connection, then retry.',
  NOT_FOUND: 'Refresh the list: it may have been removed meanwhile.',
  INTERNAL:
    'This is a fault in Dataverse Sync Studio. Retry; if it happens again, report it with the message above.'
}

export interface ErrorMessageProps {
  error: unknown
  /** What failed, e.g. "Could not load the tables". */
  title?: string
  onRetry?: () => void
  actions?: React.ReactNode
  /** The kind of failure, when `error` is not an IpcError (e.g. a state the screen detected). */
  code?: ErrorCode
}

/** An error where it happened: what failed, the service's message, and what to do. */
export function ErrorMessage({
  error,
  title,
  onRetry,
  actions,
  code: given
}: ErrorMessageProps): React.JSX.Element {
  const code: ErrorCode = error instanceof IpcError ? error.code : (given ?? 'INTERNAL')
  const message = error instanceof Error ? error.message : String(error)
  const cancelled = code === 'CANCELLED'
  return (
    <MessageBar
      intent={cancelled ? 'info' : 'error'}
      layout="multiline"
      data-testid="error-message"
      data-error-code={code}
    >
      <MessageBarBody>
        <MessageBarTitle>{title ?? TITLES[code]}</MessageBarTitle>
        {message}
        {ADVICE[code] && <div>{ADVICE[code]}</div>}
      </MessageBarBody>
      {(onRetry || actions) && (
        <MessageBarActions>
          {actions}
          {onRetry && <Button onClick={onRetry}>Retry</Button>}
        </MessageBarActions>
      )}
    </MessageBar>
  )
}

/** A query's failure, if it failed, with Retry refetching it; nothing otherwise. */
export function QueryError({
  query,
  title
}: {
  query: { isError: boolean; error: unknown; refetch(): Promise<unknown> }
  title: string
}): React.JSX.Element | null {
  if (!query.isError) return null
  return <ErrorMessage error={query.error} title={title} onRetry={() => void query.refetch()} />
}
