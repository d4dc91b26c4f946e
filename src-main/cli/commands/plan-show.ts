import type { Command } from 'commander'
import type { TableDetails } from '../../../src-shared/model/metadata'
import {
  PLAN_ACTIONS,
  type PlanAction,
  type PlanItem,
  type PushSettings
} from '../../../src-shared/model/push'
import { planItemView } from '../../sync/export-plan'
import type { Store } from '../../store/open'
import { writeSummary } from '../apply-confirm'
import { CliError } from '../exit-codes'
import { commaList, count } from '../format'
import type { CommandContext } from '../main'
import { idNumber, wholeNumber } from '../numbers'
import { diffColumns, formatItem } from '../plan-diff'

/** What `plan show` lists unless told: every item that does something or needs a look. */
const DEFAULT_ACTIONS: readonly PlanAction[] = PLAN_ACTIONS.filter((a) => a !== 'unchanged')

const DEFAULT_LIMIT = 20

interface ShowFlags {
  action?: string
  limit?: number
  page?: number
}

function actionsOf(text: string | undefined): readonly PlanAction[] {
  if (text === undefined) return DEFAULT_ACTIONS
  const actions = commaList(text)
  for (const a of actions)
    if (!(PLAN_ACTIONS as readonly string[]).includes(a))
      throw new CliError(`--action takes ${PLAN_ACTIONS.join(', ')} (got '${a}').`)
  if (!actions.length) throw new CliError(`--action takes ${PLAN_ACTIONS.join(', ')}.`)
  return actions as PlanAction[]
}

/**
 * The key the plan matched by. A plan keeps its settings as given, where "no key" means the
 * planner's default (mapping.ts): the first Active key whose columns the mapping all writes, in
 * the table as the plan saw it (its details), so that is what is named.
 */
export function keyUsed(
  settings: Pick<PushSettings, 'key' | 'mapping'>,
  table: TableDetails | undefined
): { kind: 'alternate'; name: string; columns: string[] } | { kind: 'primary'; column: string } {
  const key = settings.key
  if (key.kind === 'primary') return { kind: 'primary', column: table?.primaryIdAttribute ?? 'id' }
  const mapped = new Set(settings.mapping.map((m) => m.target.toLowerCase()))
  const name = key.name.toLowerCase()
  const info = table?.keys.find((k) =>
    !key.name && key.columns.length === 0
      ? k.status === 'Active' && k.columns.every((c) => mapped.has(c))
      : k.logicalName === name || k.schemaName.toLowerCase() === name
  )
  return info
    ? { kind: 'alternate', name: info.logicalName, columns: info.columns }
    : { kind: 'alternate', name: key.name, columns: key.columns }
}

/** How the plan matched source rows to records, in words. */
export function describeKey(key: ReturnType<typeof keyUsed>): string {
  return key.kind === 'alternate'
    ? `alternate key ${key.name || '(default)'} (${key.columns.join(', ')})`
    : `the primary id (${key.column})`
}

/**
 * A few of a plan's changes as `plan` and `demo` print them under the counts: updates first
 * (they show what changes in records that exist), then creates, deactivations and deletions.
 */
export function sampleLines(store: Store, planId: number, limit = 3): string[] {
  const updates = [...store.plans.items(planId, { actions: ['update'], limit })]
  const others =
    updates.length < limit
      ? [
          ...store.plans.items(planId, {
            actions: ['create', 'deactivate', 'delete'],
            limit: limit - updates.length
          })
        ]
      : []
  const items = [...updates, ...others]
  if (!items.length) return []
  const columns = diffColumns(store.plans.details(planId)?.table.columns)
  return ['Sample changes:', ...items.flatMap((item) => formatItem(item, columns))]
}

/**
 * `dvsync plan show ID`: a stored plan reviewed in the terminal (issue 12, item 6) — where and
 * what it writes, the key it matched by, its counts, and its items a page at a time with each
 * change as `column: from → to`, filtered by action. A sub-command of `plan`: commander hands
 * `plan show …` to it and keeps `plan --env …` for the plan itself (see push.ts).
 */
export function registerPlanShow(plan: Command, context: CommandContext): void {
  plan
    .command('show')
    .description(
      'Show a stored plan: counts, the key it matches by, and its changes (column: from → to), a page at a time.'
    )
    .argument(
      '<id>',
      'plan id (from dvsync plan, or dvsync runs)',
      idNumber('plan show', 'a plan', 'dvsync runs lists the plans beside their runs')
    )
    .option(
      '--action <list>',
      `only these actions, e.g. update,delete (${PLAN_ACTIONS.join(', ')}; default: all but unchanged)`
    )
    .option(
      '--limit <n>',
      `items per page, 1–1000 (default ${DEFAULT_LIMIT})`,
      wholeNumber('--limit', 1, 1000)
    )
    .option('--page <n>', 'which page, from 1 (default 1)', wholeNumber('--page', 1))
    .action(async (planId: number, flags: ShowFlags) => {
      const actions = actionsOf(flags.action)
      const services = await context.services()
      const store = services.store
      const summary = store.plans.get(planId)
      if (!summary)
        throw new CliError(
          `There is no plan ${planId}. dvsync runs lists the plans beside their runs.`
        )
      const details = store.plans.details(planId)
      const environment = store.environments.byId(summary.environmentId)?.name ?? null
      const limit = flags.limit ?? DEFAULT_LIMIT
      const page = flags.page ?? 1
      const total = store.plans.countItems(planId, { actions })
      const items = store.plans.itemsPage(planId, { actions }, (page - 1) * limit, limit)
      const pages = Math.max(1, Math.ceil(total / limit))
      context.output.result(
        {
          planId,
          environment,
          table: summary.table,
          status: summary.status,
          createdAt: summary.createdAt,
          key: keyUsed(summary.settings, details?.table),
          mode: summary.settings.mode,
          missing: summary.settings.missing,
          counts: summary.counts,
          actions,
          page,
          limit,
          pages,
          total,
          items: items.map(planItemView)
        },
        () => {
          const c = summary.counts
          const columns = diffColumns(details?.table.columns)
          const first = (page - 1) * limit + 1
          const more = (next: number) =>
            `dvsync plan show ${planId} --page ${next}${flags.action ? ` --action ${actions.join(',')}` : ''}${flags.limit ? ` --limit ${limit}` : ''}`
          return [
            `Plan ${planId}: ${summary.settings.mode} of ${summary.table} in ${environment ?? 'a removed environment'}, made ${summary.createdAt.slice(0, 16).replace('T', ' ')} UTC, ${summary.status}.`,
            `Matched by ${describeKey(keyUsed(summary.settings, details?.table))}; records missing from the source: ${summary.settings.missing}.`,
            `${writeSummary(c)}, ${count(c.unchanged)} unchanged, ${count(c.skip)} skipped, ${count(c.error)} with errors.`,
            total === 0
              ? `No ${actions.join('/')} items.`
              : items.length === 0
                ? `Page ${page} is past the end: ${count(total)} ${actions.join('/')} items make ${pages} page${pages === 1 ? '' : 's'}.`
                : `${actions.length === DEFAULT_ACTIONS.length && !flags.action ? 'Items' : `${actions.join('/')} items`} ${count(first)}–${count(first + items.length - 1)} of ${count(total)} (page ${page} of ${pages}):`,
            ...items.flatMap((item: PlanItem) => formatItem(item, columns)),
            page < pages && items.length ? `Next page: ${more(page + 1)}` : ''
          ]
            .filter(Boolean)
            .join('\n')
        }
      )
    })
}
