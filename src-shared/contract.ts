import { z } from 'zod'
import type { EventChannel, InvokeChannel } from './channels'
import { AppCommand, AppInfo, DataChanged } from './schemas/app'
import { Empty } from './schemas/common'
import {
  AddEnvironmentInput,
  AddSandboxInput,
  ById,
  ConnectionTest,
  EnvironmentView
} from './schemas/environments'
import {
  CreateKeyInput,
  KeyDuplicatesInput,
  KeyDuplicatesView,
  KeyRef,
  KeyView,
  TableDetailsView,
  TableRef,
  TableView
} from './schemas/metadata'
import {
  CancelPullInput,
  ChangesExported,
  ChangesInput,
  ChangesPage,
  ExportChangesInput,
  ListPullsInput,
  PullRunView,
  RunProgress,
  StartPullInput
} from './schemas/pulls'
import {
  ByPlan,
  ByRun,
  CancelPlanInput,
  CreatePlanInput,
  ExcludeItemsInput,
  ExportPlanInput,
  ListPlansInput,
  PlanCreated,
  PlanExported,
  PlanItemsInput,
  PlanItemsPage,
  PlanView,
  StartApplyInput,
  UndoInput,
  UndoPlanned
} from './schemas/plans'
import {
  ByProfileName,
  ChosenFile,
  InspectSourceInput,
  MappingSuggestion,
  MappingValidation,
  ProfileName,
  ProfileView,
  SaveProfileInput,
  SourceInspection,
  SuggestMappingInput,
  ValidateMappingInput
} from './schemas/push'
import {
  CompareRunsInput,
  ExportReportInput,
  ListRunsInput,
  PruneInput,
  PruneView,
  ReportExported,
  RunComparison,
  RunDetails,
  RunItemsInput,
  RunItemsPage,
  RunSummary,
  TrendInput,
  TrendPoint
} from './schemas/runs'

const spec = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output })

/**
 * The IPC contract between the renderer and the main process: one zod schema for the input and
 * one for the output of every channel, and one for the payload of every event. Handlers and the
 * preload are checked against it, so a channel without a handler does not compile. No output
 * ever holds a token or a secret (test/unit/shell/contract-secrets.test.ts walks them all).
 */
export const contract = {
  /** Name, version and data folder of the running app. */
  'app:info': spec(Empty, AppInfo),

  /** Every environment, with its sign-in state (no network call but the sandbox's info). */
  'environments:list': spec(Empty, z.array(EnvironmentView)),
  /** Adds an environment; a client secret goes to the OS keychain. Does not sign in. */
  'environments:add': spec(AddEnvironmentInput, EnvironmentView),
  /** Starts the built-in sandbox (if needed) and adds it as an environment with demo users. */
  'environments:addSandbox': spec(AddSandboxInput, EnvironmentView),
  /** Removes an environment, its mirrors and its stored sign-in; run history stays. */
  'environments:remove': spec(ById, z.object({ removed: z.literal(true) }).strict()),
  /** Interactive sign-in in the system browser; resolves when it completes or is cancelled. */
  'environments:signIn': spec(ById, EnvironmentView),
  /** Cancels a pending sign-in (the sign-in call then fails with CANCELLED). */
  'environments:cancelSignIn': spec(ById, z.object({ cancelled: z.boolean() }).strict()),
  'environments:signOut': spec(ById, EnvironmentView),
  /** Who am I, and how long Dataverse keeps changes for delta tokens. */
  'environments:test': spec(ById, ConnectionTest),

  'tables:list': spec(z.object({ environmentId: ById.shape.id }).strict(), z.array(TableView)),
  /** A table with its columns and keys. */
  'tables:get': spec(TableRef, TableDetailsView),
  /** Turns change tracking on (it cannot be turned off again). */
  'tables:enableTracking': spec(
    TableRef,
    z.object({ table: z.string(), changed: z.boolean() }).strict()
  ),
  /** Alternate keys with their index status (poll until Active or Failed). */
  'keys:list': spec(TableRef, z.array(KeyView)),
  /** Creates an alternate key; Dataverse builds its index in the background. */
  'keys:create': spec(CreateKeyInput, KeyView),
  /** Deletes an alternate key: pushes and lookups that find records by it stop working. */
  'keys:delete': spec(KeyRef, z.object({ deleted: z.string() }).strict()),
  /** Builds a Failed key's index again (ReactivateEntityKey); PRECONDITION if not Failed. */
  'keys:reactivate': spec(KeyRef, KeyView),
  /** The values several records share in a key's columns, from the mirror (PRECONDITION if none). */
  'keys:duplicates': spec(KeyDuplicatesInput, KeyDuplicatesView),

  /** Starts a pull; resolves with its run id once it is under way. */
  'pulls:start': spec(StartPullInput, z.object({ runId: z.number().int().positive() }).strict()),
  /** Stops a running pull after the current page (what was read is kept). */
  'pulls:cancel': spec(CancelPullInput, z.object({ cancelled: z.boolean() }).strict()),
  /** Pulls running now, with their latest progress. */
  'pulls:active': spec(Empty, z.array(RunProgress)),
  /** Pulls of an environment (or of one table), newest first. */
  'pulls:list': spec(ListPullsInput, z.array(PullRunView)),
  /** The changes a pull recorded, filtered and paged, with before/after per column. */
  'pulls:changes': spec(ChangesInput, ChangesPage),
  /** A pull's changes written to CSV or NDJSON where the admin says (as `dvsync changes --export`). */
  'pulls:export': spec(ExportChangesInput, ChangesExported),

  /** Run history (every kind), newest first, filtered and paged. */
  'runs:list': spec(ListRunsInput, z.array(RunSummary)),
  /** One run with its records counted by action and outcome, and whether it can be undone. */
  'runs:get': spec(ByRun, RunDetails),
  /** A run's records (the journal), filtered and paged, with before/after per column. */
  'runs:items': spec(RunItemsInput, RunItemsPage),
  /** Figures of the matching runs over time, oldest first, for charts. */
  'runs:trend': spec(TrendInput, z.array(TrendPoint)),
  /** Two runs of one table or profile side by side, and the records that differ. */
  'runs:compare': spec(CompareRunsInput, RunComparison),
  /** Writes a run's report (CSV, JSON, HTML or PDF) where the admin says in the save dialog. */
  'runs:report': spec(ExportReportInput, ReportExported),
  /** Deletes old runs and their records (dry run first); never mirrors, profiles or pending plans. */
  'runs:prune': spec(PruneInput, PruneView),

  /** Saved pull and push profiles. */
  'profiles:list': spec(Empty, z.array(ProfileView)),
  'profiles:get': spec(ByProfileName, ProfileView),
  /** Saves a profile after checking it against the table (field errors name their field). */
  'profiles:save': spec(SaveProfileInput, ProfileView),
  'profiles:remove': spec(ByProfileName, z.object({ removed: z.literal(true) }).strict()),
  /** Writes a profile to a JSON file chosen in the save dialog (the `dvsync profile export` format). */
  'profiles:export': spec(ByProfileName, ChosenFile),
  /** Reads a profile file chosen in the open dialog; null when the dialog was cancelled. */
  'profiles:import': spec(
    z.object({ name: ProfileName.optional() }).strict(),
    z.object({ profile: ProfileView.nullable() }).strict()
  ),

  /** The open dialog for a source file (CSV, JSON, NDJSON, XLSX). */
  'sources:pick': spec(Empty, ChosenFile),
  /** A picked source's columns, sheets and first rows. */
  'sources:inspect': spec(InspectSourceInput, SourceInspection),
  /** Source columns matched to the table's columns by name, and the key that then fits. */
  'mapping:suggest': spec(SuggestMappingInput, MappingSuggestion),
  /** Every problem of a mapping and key choice, each with its field. */
  'mapping:validate': spec(ValidateMappingInput, MappingValidation),

  /** Plans a push (from a profile or settings); reports run:progress, resolves when planned. */
  'plans:create': spec(CreatePlanInput, PlanCreated),
  /** Stops a plan being made for a table. */
  'plans:cancel': spec(CancelPlanInput, z.object({ cancelled: z.boolean() }).strict()),
  'plans:list': spec(ListPlansInput, z.array(PlanView)),
  'plans:get': spec(ByPlan, PlanView),
  /** A plan's items of the given actions, filtered and paged. */
  'plans:items': spec(PlanItemsInput, PlanItemsPage),
  /** Leaves items out of the apply (or takes them back in). */
  'plans:exclude': spec(ExcludeItemsInput, z.object({ changed: z.number().int() }).strict()),
  /** Writes a plan to CSV or JSON where the admin says in the save dialog. */
  'plans:export': spec(ExportPlanInput, PlanExported),

  /** Applies a plan (the renderer has asked for confirmation); resolves once the run exists. */
  'apply:start': spec(StartApplyInput, z.object({ runId: z.number().int().positive() }).strict()),
  'apply:pause': spec(ByRun, z.object({ paused: z.boolean() }).strict()),
  'apply:resume': spec(ByRun, z.object({ resumed: z.boolean() }).strict()),
  /** Stops an apply between requests; a new apply of the plan resumes the rest. */
  'apply:cancel': spec(ByRun, z.object({ cancelled: z.boolean() }).strict()),
  /** Applies running now, with their latest progress. */
  'apply:active': spec(Empty, z.array(RunProgress)),
  /** Plans the undo of an apply run: a plan to preview, then apply. */
  'undo:plan': spec(UndoInput, UndoPlanned)
} as const satisfies Record<InvokeChannel, { input: z.ZodType; output: z.ZodType }>

export const events = {
  'run:progress': RunProgress,
  'data:changed': DataChanged,
  'app:command': AppCommand
} as const satisfies Record<EventChannel, z.ZodType>

export type Input<C extends InvokeChannel> = z.input<(typeof contract)[C]['input']>
export type ParsedInput<C extends InvokeChannel> = z.output<(typeof contract)[C]['input']>
export type Output<C extends InvokeChannel> = z.output<(typeof contract)[C]['output']>
export type EventPayload<E extends EventChannel> = z.output<(typeof events)[E]>

export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  /** Something must be done first (e.g. enable change tracking before pulling). */
  | 'PRECONDITION'
  /** Dataverse refused the request; the message carries its code and words. */
  | 'DATAVERSE'
  | 'UNREACHABLE'
  | 'CANCELLED'
  | 'FORBIDDEN_SENDER'
  | 'INTERNAL'

export interface IpcError {
  code: ErrorCode
  message: string
  /** The input field the error is about, for forms. */
  field?: string
}

/** Replies never throw across IPC: Electron would keep only the message of an Error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: IpcError }

/** What the preload exposes as `window.api`, and what the web bridge injects in tests. */
export interface Bridge {
  invoke<C extends InvokeChannel>(channel: C, input: Input<C>): Promise<Result<Output<C>>>
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void
}
