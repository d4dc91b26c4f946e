import { Body1, Subtitle2, makeStyles, tokens } from '@fluentui/react-components'

const useStyles = makeStyles({
  root: {
    display: 'grid',
    justifyItems: 'start',
    gap: tokens.spacingVerticalS,
    padding: tokens.spacingVerticalXL
  }
})

/** What a screen shows when there is nothing yet, and the one thing to do about it. */
export function EmptyState({
  title,
  children,
  action
}: {
  title: string
  children?: React.ReactNode
  action?: React.ReactNode
}): React.JSX.Element {
  const styles = useStyles()
  return (
    <div className={styles.root} data-testid="empty-state">
      <Subtitle2 as="h2">{title}</Subtitle2>
      {children && <Body1>{children}</Body1>}
      {action}
    </div>
  )
}
