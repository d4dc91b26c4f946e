import {
  SearchBox,
  Spinner,
  Tab,
  TabList,
  Title2,
  makeStyles,
  tokens
} from '@fluentui/react-components'
import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useMemo, useState } from 'react'
import type { PlanItemView } from '../../../../src-shared/schemas/plans'
import type { Route } from '../../app/route'
import { planQuery, plansQuery } from '../../api/queries/plans'
import { EmptyState } from '../../components/EmptyState'
import { QueryError } from '../../components/ErrorMessage'
import { count } from '../../components/format'
import { ApplyDialog } from './ApplyDialog'
import { PLAN_TABS, tabCount, type PlanTab } from './plan-tabs'
import { PlanHeader } from './PlanHeader'
import { PlanItemDetail } from './PlanItemDetail'
import { PlanItemsGrid } from './PlanItemsGrid'
import { PlanPicker } from './PlanPicker'

const useStyles = makeStyles({
  split: {
    display: 'grid',
    gridTemplateRows: 'minmax(16rem, 1fr) auto',
    gap: tokens.spacingVerticalM,
    flexGrow: 1,
    minHeight: '24rem'
  },
  grid: { display: 'flex', flexDirection: 'column', minHeight: 0 },
  bar: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: tokens.spacingHorizontalM }
})

/** Preview: a plan by tab, changed columns from → to, rows excluded one by one, then Apply. */
export function PreviewPage({
  environmentId,
  planId,
  onChange
}: {
  environmentId: number | undefined
  planId: number | undefined
  onChange(change: Partial<Route>): void
}): React.JSX.Element {
  const styles = useStyles()
  const plans = useQuery({ ...plansQuery(environmentId), enabled: planId === undefined })
  const plan = useQuery({ ...planQuery(planId ?? 0), enabled: planId !== undefined })
  const [tab, setTab] = useState<PlanTab>('creates')
  const [search, setSearch] = useState('')
  const deferred = useDeferredValue(search.trim())
  const [selected, setSelected] = useState<PlanItemView>()
  const [confirming, setConfirming] = useState(false)
  const actions = PLAN_TABS.find((t) => t.tab === tab)!.actions
  const filter = useMemo(() => ({ actions, search: deferred }), [actions, deferred])

  if (planId === undefined)
    return (
      <>
        <Title2 as="h1">Preview</Title2>
        {plans.isPending && <Spinner label="Loading plans…" />}
        <QueryError query={plans} title="Could not load the plans" />
        {plans.data?.length === 0 && (
          <EmptyState title="No plan yet">
            Open a push profile on the Profiles screen and choose Preview the push: its plan shows
            here, to review before anything is written.
          </EmptyState>
        )}
        {plans.data && plans.data.length > 0 && (
          <PlanPicker plans={plans.data} onOpen={(id) => onChange({ planId: id })} />
        )}
      </>
    )
  const data = plan.data
  const editable = data !== undefined && data.status !== 'applied' && data.status !== 'applying'
  return (
    <>
      <Title2 as="h1">Preview</Title2>
      {plan.isPending && <Spinner label="Loading the plan…" />}
      <QueryError query={plan} title="Could not load the plan" />
      {data && (
        <>
          <PlanHeader
            plan={data}
            onApply={() => setConfirming(true)}
            onOpenRun={(runId) => onChange({ screen: 'runs', runId })}
          />
          <div className={styles.bar}>
            <TabList
              selectedValue={tab}
              onTabSelect={(_, d) => {
                setTab(d.value as PlanTab)
                setSelected(undefined)
              }}
              aria-label="Planned changes by kind"
            >
              {PLAN_TABS.map((t) => {
                const n = tabCount(data, t.actions)
                return (
                  <Tab key={t.tab} value={t.tab} data-testid={`tab-${t.tab}`}>
                    {t.label} ({count(n.total)}
                    {n.excluded ? `, ${count(n.excluded)} excluded` : ''})
                  </Tab>
                )
              })}
            </TabList>
            <SearchBox
              placeholder="Search keys, values and errors"
              aria-label="Search the plan"
              value={search}
              onChange={(_, d) => setSearch(d.value)}
            />
          </div>
          <div className={styles.split}>
            <div className={styles.grid}>
              <PlanItemsGrid
                key={`${tab}|${deferred}`}
                planId={data.planId}
                filter={filter}
                editable={editable}
                selected={selected?.seq}
                onSelect={setSelected}
              />
            </div>
            {selected ? (
              <PlanItemDetail item={selected} />
            ) : (
              <EmptyState title="Choose a row">
                Its values now and after the apply are shown here. Space excludes the row in focus.
              </EmptyState>
            )}
          </div>
          <ApplyDialog
            plan={data}
            open={confirming}
            onClose={() => setConfirming(false)}
            onStarted={(runId) => onChange({ screen: 'runs', runId })}
          />
        </>
      )}
    </>
  )
}
