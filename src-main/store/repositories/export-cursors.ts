import type Database from 'better-sqlite3'
import type { RunStatus } from '../../../src-shared/model/run'

export interface ExportCursor {
  mirrorId: number
  /** The last pull run whose changes, and every earlier pull's, are in a complete export. */
  runId: number
  file: string
  exportedAt: string
}

/** A pull run an export covers. */
export interface ExportedRun {
  id: number
  status: RunStatus
  mode: string | null
}

/** The mirror a cursor belongs to, as the runs name its table. */
export interface CursorMirror {
  id: number
  environmentId: number
  tableName: string
}

/**
 * Per-mirror export cursors over the pull journal. A pull's export holds every change since the
 * last complete export: the pulls after the cursor up to this one, so the changes a killed or
 * failed `pull --export` committed (the next pull finds them unchanged: the mirror has them)
 * still reach a file.
 */
export class ExportCursorRepository {
  constructor(private readonly db: Database.Database) {}

  get(mirrorId: number): ExportCursor | undefined {
    const row = this.db
      .prepare(
        'SELECT mirror_id, run_id, file, exported_at FROM export_cursors WHERE mirror_id = ?'
      )
      .get(mirrorId) as
      { mirror_id: number; run_id: number; file: string; exported_at: string } | undefined
    return (
      row && {
        mirrorId: row.mirror_id,
        runId: row.run_id,
        file: row.file,
        exportedAt: row.exported_at
      }
    )
  }

  /**
   * The pull runs of the mirror's table an export up to `runId` covers, oldest first: those after
   * the cursor. Without a cursor (no export since this version, or the mirror was made again)
   * those after the last completed pull before `runId`: the runs interrupted just before it,
   * whose changes no later pull reports, but not years of history that earlier exports (or
   * none wanted) already had.
   */
  runsToExport(mirror: CursorMirror, runId: number): ExportedRun[] {
    return this.db
      .prepare(
        `SELECT id, status, mode FROM runs
         WHERE kind = 'pull' AND environment_id = ? AND table_name = ? AND id <= ?
           AND id > coalesce(
             (SELECT run_id FROM export_cursors WHERE mirror_id = ?),
             (SELECT max(id) FROM runs
               WHERE kind = 'pull' AND environment_id = ? AND table_name = ?
                 AND status = 'completed' AND id < ?),
             0)
         ORDER BY id`
      )
      .all(
        mirror.environmentId,
        mirror.tableName,
        runId,
        mirror.id,
        mirror.environmentId,
        mirror.tableName,
        runId
      ) as ExportedRun[]
  }

  /**
   * Moves the cursor to `runId` once its export file is complete and in place. Never backwards:
   * an export that finishes after a later one (two processes) must not make the next repeat it.
   */
  advance(mirrorId: number, runId: number, file: string): void {
    this.db
      .prepare(
        `INSERT INTO export_cursors (mirror_id, run_id, file, exported_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (mirror_id) DO UPDATE SET
           file = CASE WHEN excluded.run_id >= run_id THEN excluded.file ELSE file END,
           exported_at = CASE WHEN excluded.run_id >= run_id THEN excluded.exported_at ELSE exported_at END,
           run_id = max(run_id, excluded.run_id)`
      )
      .run(mirrorId, runId, file, new Date().toISOString())
  }
}
