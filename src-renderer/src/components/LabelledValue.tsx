import { makeStyles, tokens } from '@fluentui/react-components'
import { value } from './format'

const useStyles = makeStyles({
  raw: { color: tokens.colorNeutralForeground3, marginInlineStart: tokens.spacingHorizontalXS }
})

/**
 * A value as a person reads it: a choice's label or a lookup's record ("Contoso Ltd
 * (ACC-00030)") where the plan has one, with the value itself on hover — or beside it, muted,
 * where there is room (`raw`), so an admin can still compare it with what Dataverse stores.
 */
export function LabelledValue({
  value: v,
  label,
  raw = false
}: {
  value: string | number | boolean | null
  label?: string | undefined
  raw?: boolean
}): React.JSX.Element {
  const styles = useStyles()
  if (!label) return <>{value(v)}</>
  return (
    <span title={`Stored value: ${value(v)}`} data-value={value(v)}>
      {label}
      {raw && <span className={styles.raw}>({value(v)})</span>}
    </span>
  )
}
