import {
  Dropdown,
  Field,
  Option,
  Spinner,
  Title2,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import type { Route } from '../../app/route'
import { pullsQuery } from '../../api/queries/pulls'
import { tablesQuery } from '../../api/queries/tables'
import { EmptyState } from '../../components/EmptyState'
import { QueryError } from '../../components/ErrorMessage'
import { NoEnvironment } from '../../components/NoEnvironment'
import { ChangesView } from './ChangesView'
import { PullHistory } from './PullHistory'
import { PullRunner } from './PullRunner'

const useStyles = makeStyles({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: tokens.spacingHorizontalL
  },
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(27rem, 1fr) 2fr',
    gap: tokens.spacingHorizontalL,
    flexGrow: 1,
    minHeight: '30rem'
  },
  pane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    minWidth: 0
  }
})

/** Pulls & changes: pull a table with progress and cancel; browse what each pull changed. */
export function PullsPage({
  environmentId,
  table,
  runId,
  onChange,
  onAddEnvironment
}: {
  environmentId: number | undefined
  table: string | undefined
  runId: number | undefined
  onChange(change: Partial<Route>): void
  onAddEnvironment(): void
}): React.JSX.Element {
  const styles = useStyles()
  const enabled = environmentId !== undefined
  const tables = useQuery({ ...tablesQuery(environmentId ?? 0), enabled })
  const pulls = useQuery({ ...pullsQuery(environmentId ?? 0, table), enabled: enabled && !!table })
  if (!enabled) return <NoEnvironment title="Pulls & changes" onAddEnvironment={onAddEnvironment} />
  const current = tables.data?.find((t) => t.logicalName === table)
  const shownRun = runId ?? pulls.data?.[0]?.runId
  return (
    <>
      <Title2 as="h1">Pulls &amp; changes</Title2>
      <div className={styles.toolbar}>
        <Field label="Table">
          <Dropdown
            data-testid="pull-table-picker"
            placeholder={tables.isPending ? 'Loading tables…' : 'Choose a table'}
            value={current ? `${current.displayName} (${current.logicalName})` : (table ?? '')}
            selectedOptions={table ? [table] : []}
            onOptionSelect={(_, d) =>
              d.optionValue && onChange({ table: d.optionValue, runId: undefined })
            }
          >
            {(tables.data ?? []).map((t) => (
              <Option
                key={t.logicalName}
                value={t.logicalName}
                text={`${t.displayName} (${t.logicalName})`}
              >
                {`${t.displayName} (${t.logicalName})${t.changeTrackingEnabled ? '' : ' — tracking off'}`}
              </Option>
            ))}
          </Dropdown>
        </Field>
        {current && environmentId !== undefined && (
          <PullRunner
            environmentId={environmentId}
            table={current}
            onStarted={(id) => onChange({ runId: id })}
            onEnableTracking={() => onChange({ screen: 'tables', table: current.logicalName })}
          />
        )}
      </div>
      <QueryError query={tables} title="Could not load the tables" />
      {!table && (
        <EmptyState title="Choose a table to pull">
          Its pulls and their changes are shown here.
        </EmptyState>
      )}
      {table && (
        <div className={styles.layout}>
          <section className={styles.pane} aria-label="Pulls of this table">
            {pulls.isPending && <Spinner label="Loading pulls…" />}
            <QueryError query={pulls} title="Could not load the pulls" />
            {pulls.data && (
              <PullHistory
                pulls={pulls.data}
                selected={shownRun}
                onSelect={(id) => onChange({ runId: id })}
              />
            )}
          </section>
          <section className={styles.pane} aria-label="Changes of the pull">
            {shownRun ? (
              <ChangesView runId={shownRun} nameColumn={current?.primaryNameAttribute} />
            ) : (
              pulls.isSuccess && (
                <EmptyState title="No pull yet">
                  The first pull reads the whole table; later ones read only the changes.
                </EmptyState>
              )
            )}
          </section>
        </div>
      )}
    </>
  )
}
