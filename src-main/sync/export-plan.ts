import { once } from 'node:events'
import { extname } from 'node:path'
import type { PlanItem } from '../../src-shared/model/push'
import { streamAtomically } from '../reports/atomic-file'
import { csvWriter } from '../reports/csv-stream'
import type { Store } from '../store/open'

/** A plan item as the preview and exports show it (no request payloads). */
export function planItemView(item: PlanItem) {
  return {
    row: item.row,
    location: item.location,
    key: item.key,
    action: item.action,
    changes: item.changes,
    error: item.error,
    excluded: item.excluded,
    outcome: item.outcome
  }
}

/**
 * Writes a plan's items to CSV (one row per item, one "from → to" cell per change) or JSON,
 * streamed, to a temporary file renamed when complete — for review before anything is applied.
 */
export async function exportPlan(
  store: Store,
  planId: number,
  file: string
): Promise<{ file: string; items: number }> {
  const plan = store.plans.get(planId)
  if (!plan) throw new Error(`There is no plan ${planId}.`)
  const ext = extname(file).toLowerCase()
  if (ext !== '.csv' && ext !== '.json')
    throw new Error(`Export a plan to a .csv or .json file (got '${file}').`)
  let items = 0
  await streamAtomically(file, async (out) => {
    if (ext === '.csv') {
      const csv = csvWriter(out, {
        header: [
          'row',
          'location',
          'key',
          'action',
          'excluded',
          'changed_columns',
          'changes',
          'error',
          'outcome'
        ]
      })
      for (const item of store.plans.items(planId)) {
        const changes = Object.entries(item.changes).map(
          ([c, v]) => `${c}: ${JSON.stringify(v.from)} → ${JSON.stringify(v.to)}`
        )
        const row = [
          item.row,
          item.location,
          item.key,
          item.action,
          item.excluded,
          Object.keys(item.changes).join(';'),
          changes.join('; '),
          item.error,
          item.outcome
        ]
        await csv.row(row)
        items += 1
      }
      await csv.end()
      return
    }
    const head = JSON.stringify({
      version: 1,
      planId,
      table: plan.table,
      createdAt: plan.createdAt,
      counts: plan.counts,
      settings: plan.settings
    })
    out.write(`${head.slice(0, -1)},"items":[`)
    for (const item of store.plans.items(planId)) {
      if (!out.write(`${items ? ',' : ''}\n${JSON.stringify(planItemView(item))}`))
        await once(out, 'drain')
      items += 1
    }
    out.write('\n]}\n')
  })
  return { file, items }
}
