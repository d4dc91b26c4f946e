/**
 * Run history for the Runs screen and `dvsync runs`: plain functions over the store. Reports of
 * one run are in src-main/reports; undo is its own engine.
 */
export { compareRuns, type RecordDifference, type RunComparison, type SideBySide } from './compare'
export {
  getRun,
  HistoryError,
  isoTime,
  listRuns,
  MAX_LIST,
  RUN_KINDS,
  RUN_STATUSES,
  type RunFilter
} from './list'
export { pruneRuns, type PrunePolicy, type PruneResult, type PrunedRun } from './prune'
export {
  COUNT_NAMES,
  FIGURE_NAMES,
  isPlanLike,
  normaliseCounts,
  summariseRun,
  type CountName,
  type FigureName,
  type HistoryRun,
  type RunCounts,
  type RunFigures
} from './run-summary'
export { figuresOverTime, toTrendPoint, type TrendPoint } from './trend'
