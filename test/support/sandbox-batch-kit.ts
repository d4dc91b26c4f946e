import {
  type BatchContext,
  type BatchResult,
  type InnerRequest,
  type InnerResponse,
  handleBatch
} from '../../src-main/sandbox/http/batch'
import { type ODataError, errors } from '../../src-main/sandbox/http/errors'
import {
  type HttpMessage,
  multipartBoundary,
  parseBodyPart,
  parseHttpMessage,
  splitMultipart
} from '../../src-main/sandbox/http/multipart'

// For the $batch tests (test/unit/sandbox/batch*.test.ts): a fake Dataverse behind the sandbox's
// real $batch handler, an in-memory store whose transaction() snapshots and restores, so a
// rollback is observable; the documented requests sent to it, and its answers read back.

export const ORG = 'http://127.0.0.1:5555'
export const ROOT = `${ORG}/api/data/v9.2/`
export const ACCOUNT = '00000000-0000-0000-0000-000000000001'

export type Row = Record<string, unknown>

export function fakeDataverse(failWhen?: (request: InnerRequest) => ODataError | undefined) {
  let tables: Record<string, Record<string, Row>> = { accounts: { [ACCOUNT]: { name: 'A' } } }
  let seq = 0
  const calls: InnerRequest[] = []
  let transactions = 0
  const created = (set: string, id: string) => ({
    status: 204,
    headers: { 'OData-Version': '4.0', 'OData-EntityId': `${ROOT}${set}(${id})` }
  })
  const ctx: BatchContext = {
    serviceRoot: ROOT,
    dispatch(request): InnerResponse {
      calls.push(request)
      const injected = failWhen?.(request)
      if (injected) throw injected
      const [path = '', query = ''] = request.url.slice(ROOT.length).split('?')
      const m = /^(\w+)(?:\(([0-9a-f-]{36})\))?(?:\/(\w+))?(\/\$ref)?$/.exec(path)
      if (!request.url.startsWith(ROOT) || !m?.[1])
        throw errors.uriParse(`No route: ${request.url}`)
      const [, set, id, prop, ref] = m
      const table = (tables[set] ??= {})
      const body = request.body ? (JSON.parse(request.body) as Row) : {}
      if (ref) return { status: 204, headers: { 'OData-Version': '4.0' } }
      if (request.method === 'POST' && !id) {
        if (String(body['subject'] ?? '').length > 200) throw errors.tooLong('task', 'subject', 200)
        const newId = `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`
        table[newId] = body
        return created(set, newId)
      }
      const row = id ? table[id] : undefined
      if (!id || !row) throw errors.recordNotFound(set, id ?? '')
      if (request.method === 'GET' && prop === 'Account_Tasks') {
        const bound = `accounts(${id})`
        const value = Object.entries(tables['tasks'] ?? {})
          .filter(([, task]) => task['regardingobjectid_account_task@odata.bind'] === bound)
          .map(([activityid, task]) => ({ subject: task['subject'], activityid }))
        const context = `${ROOT}$metadata#tasks(${query.replace('$select=', '')})`
        return {
          status: 200,
          headers: {
            'Content-Type': 'application/json; odata.metadata=minimal; odata.streaming=true'
          },
          body: JSON.stringify({ '@odata.context': context, value })
        }
      }
      if (request.method === 'PUT' && prop) row[prop] = body['value']
      else if (request.method === 'PATCH' && !prop) Object.assign(row, body)
      else throw errors.methodNotAllowed(request.method)
      return created(set, id)
    },
    transaction<T>(fn: () => T): T {
      transactions++
      const snapshot = structuredClone(tables)
      try {
        return fn()
      } catch (error) {
        tables = snapshot
        throw error
      }
    }
  }
  return {
    ctx,
    calls,
    tasks: () => tables['tasks'] ?? {},
    table: (n: string) => tables[n] ?? {},
    transactions: () => transactions
  }
}

/** A documented request (outer request line, headers, blank line, body) → handleBatch's inputs. */
export function send(
  fixture: string,
  ctx: BatchContext,
  lineEnding = '\n',
  extra: Record<string, string> = {}
) {
  const text = fixture.replaceAll('[Organization URI]', ORG).replaceAll('[Organization Uri]', ORG)
  const split = text.indexOf('\n\n')
  const headers: Record<string, string> = { ...extra }
  for (const line of text.slice(0, split).split('\n').slice(1)) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  const body = text.slice(split + 2).replace(/\r?\n/g, lineEnding)
  return handleBatch(headers['content-type'], body, headers, ctx)
}

export type Part = { headers: Record<string, string>; http?: HttpMessage; changeset?: Part[] }

/** Reads our own response back with our multipart parser, to assert on its structure. */
export function read(result: BatchResult): Part[] {
  const readParts = (contentType: string | undefined, body: string): Part[] =>
    splitMultipart(body, multipartBoundary(contentType, 'response'), { what: 'response' }).map(
      (raw) => {
        const part = parseBodyPart(raw, 'part')
        const type = part.headers.byName['content-type']
        return type?.startsWith('multipart/mixed')
          ? { headers: part.headers.byName, changeset: readParts(type, part.body) }
          : { headers: part.headers.byName, http: parseHttpMessage(part.body, 'part') }
      }
    )
  return readParts(result.headers['Content-Type'], result.body)
}

export const statusOf = (part: Part | undefined): string | undefined => part?.http?.startLine
