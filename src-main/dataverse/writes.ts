import { readBatch, writeBatch, type BatchOperation, type BatchPartResult } from './batch-format'
import type { Transport } from './transport'
import { errorBody } from './transport-answers'
import { bulkAnswer, checkWriteAnswer, pairBatchParts, partResponse } from './write-answers'

/** The outcome of one record's write: Dataverse's status, code and message when it failed. */
export interface WriteOutcome {
  ok: boolean
  status: number
  code?: string
  message?: string
  /** OData-EntityId of a created or upserted record. */
  entityId?: string
}

export type BulkAction = 'CreateMultiple' | 'UpdateMultiple' | 'UpsertMultiple'

/**
 * Writes: the bulk actions (reference §4), $batch with continue-on-error (§5) and single
 * requests (§3). Bulk actions are all-or-nothing on standard tables, so they either succeed or
 * throw the failing record's DataverseError; $batch and single writes report per record.
 */
export class WriteClient {
  constructor(private readonly transport: Transport) {}

  /** A bulk action; `Targets` get their @odata.type here. Returns the Ids of CreateMultiple. */
  async bulk(
    action: BulkAction,
    entitySet: string,
    logicalName: string,
    targets: readonly Record<string, unknown>[],
    signal?: AbortSignal,
    /** A CreateMultiple whose targets carry their keys: a repeat is refused as a duplicate. */
    options: { repeatable?: boolean } = {}
  ): Promise<string[]> {
    const type = `Microsoft.Dynamics.CRM.${logicalName}`
    const response = await this.transport.send({
      method: 'POST',
      url: `${entitySet}/Microsoft.Dynamics.CRM.${action}`,
      body: JSON.stringify({ Targets: targets.map((t) => ({ ...t, '@odata.type': type })) }),
      // Creating twice would duplicate records that have no alternate key; upserts and updates
      // to the same values are harmless to repeat.
      idempotent: action !== 'CreateMultiple' || options.repeatable === true,
      ...(signal ? { signal } : {})
    })
    return bulkAnswer(action, `${action} on ${entitySet}`, response, targets.length)
  }

  /**
   * Operations in one $batch with `Prefer: odata.continue-on-error`: every operation is tried
   * and answered on its own, so one bad record doesn't stop the others (§5.1).
   */
  async batch(
    operations: readonly BatchOperation[],
    signal?: AbortSignal
  ): Promise<WriteOutcome[]> {
    const apiPath = new URL(this.transport.apiRoot).pathname
    const { boundary, body } = writeBatch(operations, apiPath)
    const response = await this.transport.send({
      method: 'POST',
      url: '$batch',
      headers: {
        'Content-Type': `multipart/mixed; boundary=${boundary}`,
        Prefer: 'odata.continue-on-error'
      },
      body,
      // Only PATCH (upsert) and DELETE are batched here: repeating them is harmless.
      idempotent: operations.every((op) => op.method !== 'POST'),
      ...(signal ? { signal } : {})
    })
    const parts = pairBatchParts(
      operations.length,
      readBatch(response.headers.get('content-type'), response.text)
    )
    return operations.map((op, i) => toOutcome(op, parts[i]!))
  }

  /** One write on its own (the 'single' strategy, and the last step of isolating a failure). */
  async single(operation: BatchOperation, signal?: AbortSignal): Promise<WriteOutcome> {
    try {
      const response = await this.transport.send({
        method: operation.method,
        url: operation.path,
        ...(operation.headers ? { headers: operation.headers } : {}),
        ...(operation.body !== undefined ? { body: JSON.stringify(operation.body) } : {}),
        idempotent: operation.method !== 'POST',
        ...(signal ? { signal } : {})
      })
      checkWriteAnswer(`${operation.method} ${operation.path}`, response)
      const entityId = response.headers.get('odata-entityid')
      return { ok: true, status: response.status, ...(entityId ? { entityId } : {}) }
    } catch (err) {
      const e = err as { name?: string; status?: number; code?: string; serviceMessage?: string }
      if (e.name === 'DataverseError' || e.name === 'ChangeTrackingExpiredError') {
        return {
          ok: false,
          status: e.status ?? 0,
          code: e.code ?? '',
          message: e.serviceMessage ?? ''
        }
      }
      throw err
    }
  }
}

function toOutcome(op: BatchOperation, part: BatchPartResult): WriteOutcome {
  if (part.status < 400) {
    checkWriteAnswer(`${op.method} ${op.path} in a $batch`, partResponse(part))
    const entityId = part.headers['odata-entityid']
    return { ok: true, status: part.status, ...(entityId ? { entityId } : {}) }
  }
  const { code, message } = errorBody({
    status: part.status,
    headers: new Headers(),
    text: part.body
  })
  return { ok: false, status: part.status, code, message }
}
