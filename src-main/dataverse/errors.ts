/**
 * What can go wrong talking to Dataverse, as types a caller can act on: a refusal with
 * Dataverse's own code and message, an expired change-tracking token (do a full sync), a token
 * that can't be had (sign in again), or a service that can't be reached (try later).
 */
export class DataverseError extends Error {
  constructor(
    readonly status: number,
    /** Dataverse's error code, e.g. 0x80040217; '' when the service gave none. */
    readonly code: string,
    /** Dataverse's message, verbatim. */
    readonly serviceMessage: string,
    readonly method: string,
    /** The resource, e.g. "products(productnumber='A-1')" — never a token or a query string. */
    readonly resource: string
  ) {
    super(
      `Dataverse refused ${method} ${resource} (${status}${code ? ` ${code}` : ''}): ${serviceMessage}`
    )
    this.name = 'DataverseError'
  }
}

/** 0x80044352 ExpiredVersionStamp: the delta token is older than the retention period (§1.7). */
export const EXPIRED_VERSION_STAMP = '0x80044352'

export class ChangeTrackingExpiredError extends DataverseError {
  override name = 'ChangeTrackingExpiredError'
}

/** The service rejected the stored delta link itself (garbled, or from another table). */
export class InvalidDeltaTokenError extends Error {
  override name = 'InvalidDeltaTokenError'
}

/**
 * The environment has no table by that name: Dataverse answered 404 for its definition (its code
 * and message are kept), or the name can't be a table's logical name and nothing was sent. A
 * DataverseError with status 404 either way, so callers that only know that type see 'not found'.
 */
export class UnknownTableError extends DataverseError {
  override name = 'UnknownTableError'
  constructor(
    readonly table: string,
    message: string,
    refusal?: DataverseError
  ) {
    super(
      404,
      refusal?.code ?? '',
      refusal?.serviceMessage ?? message,
      refusal?.method ?? 'GET',
      refusal?.resource ?? 'EntityDefinitions'
    )
    this.message = message
  }
}

export class AuthenticationError extends Error {
  override name = 'AuthenticationError'
}

/** No answer after every retry: network down, service unavailable, or throttled too long. */
export class UnreachableError extends Error {
  override name = 'UnreachableError'
  constructor(
    message: string,
    readonly attempts: number,
    readonly lastStatus?: number
  ) {
    super(message)
  }
}

/** A response that is not what the Web API sends: wrong content type, truncated JSON… */
export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/** The caller cancelled (pause, cancel button, Ctrl+C). */
export class CancelledError extends Error {
  override name = 'CancelledError'
  constructor(message = 'Cancelled.') {
    super(message)
  }
}
