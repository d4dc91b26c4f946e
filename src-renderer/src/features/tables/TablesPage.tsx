import { SearchBox, Spinner, Title2, makeStyles, tokens } from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useMemo, useState } from 'react'
import { tablesQuery } from '../../api/queries/tables'
import { EmptyState } from '../../components/EmptyState'
import { QueryError } from '../../components/ErrorMessage'
import { NoEnvironment } from '../../components/NoEnvironment'
import { TableDetailsPanel } from './TableDetailsPanel'
import { TableList } from './TableList'

const useStyles = makeStyles({
  layout: {
    display: 'grid',
    gridTemplateColumns: 'minmax(22rem, 2fr) 3fr',
    gap: tokens.spacingHorizontalL,
    flexGrow: 1,
    minHeight: '28rem'
  },
  pane: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    minHeight: 0,
    minWidth: 0
  }
})

/** Tables: a searchable list with tracking state and keys, and the selected table's details. */
export function TablesPage({
  environmentId,
  table,
  onSelectTable,
  onPull,
  onAddEnvironment
}: {
  environmentId: number | undefined
  table: string | undefined
  onSelectTable(table: string): void
  onPull(table: string): void
  onAddEnvironment(): void
}): React.JSX.Element {
  const styles = useStyles()
  const [search, setSearch] = useState('')
  const deferred = useDeferredValue(search.trim().toLowerCase())
  const tables = useQuery({
    ...tablesQuery(environmentId ?? 0),
    enabled: environmentId !== undefined
  })
  const shown = useMemo(
    () =>
      (tables.data ?? []).filter(
        (t) =>
          !deferred ||
          t.logicalName.includes(deferred) ||
          t.displayName.toLowerCase().includes(deferred)
      ),
    [tables.data, deferred]
  )
  if (environmentId === undefined)
    return <NoEnvironment title="Tables" onAddEnvironment={onAddEnvironment} />
  return (
    <>
      <Title2 as="h1">Tables</Title2>
      <div className={styles.layout}>
        <section className={styles.pane} aria-label="Table list">
          <SearchBox
            placeholder="Search tables by name"
            aria-label="Search tables"
            value={search}
            onChange={(_, d) => setSearch(d.value)}
          />
          {tables.isPending && <Spinner label="Loading tables…" />}
          <QueryError query={tables} title="Could not load the tables" />
          {tables.isSuccess && shown.length === 0 && (
            <EmptyState title="No table matches">Try another part of its name.</EmptyState>
          )}
          {tables.isSuccess && shown.length > 0 && (
            <TableList
              tables={shown}
              total={tables.data.length}
              selected={table}
              onSelect={onSelectTable}
            />
          )}
        </section>
        <section className={styles.pane} aria-label="Table details">
          {table ? (
            <TableDetailsPanel
              environmentId={environmentId}
              table={table}
              onPull={() => onPull(table)}
            />
          ) : (
            <EmptyState title="Choose a table">
              Its columns, alternate keys and change tracking are shown here.
            </EmptyState>
          )}
        </section>
      </div>
    </>
  )
}
