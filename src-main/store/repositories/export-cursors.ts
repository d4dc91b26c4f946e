import type Database from 'better-sqlite3'
import type { RunStatus } from '../../../src-shared/model/run'

export interface ExportCursor {
  environmentId: number
  tableName: string
  /** The last pull run whose changes, and every earlier pull's, are in a complete export. */
  runId: number
  /** The last complete export, if one has completed since the cursor was set. */
  file: string | null
  exportedAt: string | null
}

/** A pull run an export covers. */
export interface ExportedRun {
  id: number
  status: RunStatus
  mode: string | null
}

/**
 * Export cursors over the pull journal, one per mirrored table. A pull's export holds every
 * change since the last complete export: the pulls after the cursor up to this one, so the
 * changes a killed or failed `pull --export` committed (the next pull finds them unchanged: the
 * mirror has them) still reach a file.
 */
export class ExportCursorRepository {
  constructor(private readonly db: Database.Database) {}

  get(environmentId: number, tableName: string): ExportCursor | undefined {
    const row = this.db
      .prepare(
        'SELECT run_id, file, exported_at FROM export_cursors WHERE environment_id = ? AND table_name = ?'
      )
      .get(environmentId, tableName) as
      { run_id: number; file: string | null; exported_at: string | null } | undefined
    return (
      row && {
        environmentId,
        tableName,
        runId: row.run_id,
        file: row.file,
        exportedAt: row.exported_at
      }
    )
  }

  /**
   * Sets the cursor of a table that has none, before its first exporting pull runs: after the
   * last completed pull, so that export covers the runs interrupted just before it (whose changes
   * no later pull reports) but not years of history that earlier exports, or none wanted,
   * already had. Set before the pull rather than at the export, so a pull that completes and is
   * killed while its file is written is still after the cursor, not taken for exported.
   */
  begin(environmentId: number, tableName: string): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO export_cursors (environment_id, table_name, run_id)
         SELECT ?, ?, coalesce(max(id), 0) FROM runs
          WHERE kind = 'pull' AND environment_id = ? AND table_name = ? AND status = 'completed'`
      )
      .run(environmentId, tableName, environmentId, tableName)
  }

  /** The pull runs of the table after its cursor, up to `runId`, oldest first. */
  runsToExport(environmentId: number, tableName: string, runId: number): ExportedRun[] {
    return this.db
      .prepare(
        `SELECT id, status, mode FROM runs
         WHERE kind = 'pull' AND environment_id = ? AND table_name = ? AND id <= ?
           AND id > coalesce(
             (SELECT run_id FROM export_cursors WHERE environment_id = ? AND table_name = ?), 0)
         ORDER BY id`
      )
      .all(environmentId, tableName, runId, environmentId, tableName) as ExportedRun[]
  }

  /**
   * Moves the cursor to `runId` once its export file is complete and in place. Never backwards:
   * an export that finishes after a later one (two processes) must not make the next repeat it.
   */
  advance(environmentId: number, tableName: string, runId: number, file: string): void {
    this.db
      .prepare(
        `INSERT INTO export_cursors (environment_id, table_name, run_id, file, exported_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (environment_id, table_name) DO UPDATE SET
           file = CASE WHEN excluded.run_id >= run_id THEN excluded.file ELSE file END,
           exported_at = CASE WHEN excluded.run_id >= run_id THEN excluded.exported_at ELSE exported_at END,
           run_id = max(run_id, excluded.run_id)`
      )
      .run(environmentId, tableName, runId, file, new Date().toISOString())
  }
}
