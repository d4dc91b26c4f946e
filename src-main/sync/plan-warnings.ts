import type { NewPlanItem } from '../store/repositories/plans'
import { DEFAULT_CLEAR_WARNING_PERCENT } from './push-settings'

/**
 * Counts, per column, the planned updates that would set it from a value to null, and says
 * which columns a push would clear in more than a share of its rows: said before anything is
 * written, since it is usually a blank column in an export rather than a wish to wipe data
 * (issue 12, item 1).
 */
export class ClearWarnings {
  private readonly clears = new Map<string, number>()

  add(item: Pick<NewPlanItem, 'action' | 'changes'>): void {
    if (item.action !== 'update') return
    for (const [column, change] of Object.entries(item.changes))
      if (change.to === null && change.from !== null)
        this.clears.set(column, (this.clears.get(column) ?? 0) + 1)
  }

  warnings(rows: number, percent = DEFAULT_CLEAR_WARNING_PERCENT): string[] {
    const warnings: string[] = []
    for (const [column, count] of this.clears) {
      const share = (count / Math.max(rows, 1)) * 100
      if (share > percent)
        warnings.push(
          `This push would clear ${column} in ${count.toLocaleString('en')} of ${rows.toLocaleString('en')} rows (${Math.round(share)}%). If the source column is blank by mistake, fix the file; to keep such values, let empty cells of ${column} leave the column as it is ("ignore").`
        )
    }
    return warnings
  }
}
