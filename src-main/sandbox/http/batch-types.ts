/**
 * The contract between the `$batch` handler and the sandbox that hosts it. Kept apart from
 * batch.ts so that the helper modules can share the types without importing the entry point;
 * batch.ts re-exports them, so integrators import everything from there.
 */

export interface InnerRequest {
  method: string
  /** Absolute URL, already resolved against the service root and with $n Content-ID references substituted. */
  url: string
  /** Header names lower-cased. */
  headers: Record<string, string>
  body: string
}

export interface InnerResponse {
  status: number
  headers: Record<string, string>
  body?: string
}

export interface BatchContext {
  /** e.g. 'http://127.0.0.1:5555/api/data/v9.2/' — for resolving relative and server-relative part URLs. */
  serviceRoot: string
  /** Executes one inner request synchronously. May throw ODataError (→ that status + JSON error body) or anything else (→ 500 with a JSON error). */
  dispatch(request: InnerRequest): InnerResponse
  /** Runs fn atomically; if fn throws, everything it did is rolled back and the error rethrown. */
  transaction<T>(fn: () => T): T
}

export interface BatchResult {
  status: number
  headers: Record<string, string>
  body: string
}
