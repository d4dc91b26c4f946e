import type { Principal } from '../identity/provider'
import type { SandboxState } from '../state'

/** A request as the API layer sees it: body already read, caller already authenticated. */
export interface ApiRequest {
  method: string
  url: URL
  /** Lower-cased names; repeated headers (e.g. several Prefer) joined with ', '. */
  headers: Record<string, string>
  body: string
  principal: Principal
}

export interface ApiResponse {
  status: number
  headers: Record<string, string>
  body?: string
}

/** What every handler gets: the state, the request, and what is derived from it once. */
export interface RequestContext {
  state: SandboxState
  req: ApiRequest
  /** Service root with trailing slash, e.g. http://127.0.0.1:5555/api/data/v9.2/ */
  root: string
  prefs: Map<string, string>
  query: URLSearchParams
}
