/**
 * Errors the emulator answers with, in Dataverse's documented JSON shape
 * `{"error":{"code":"0x8004…","message":"…"}}` (reference §7.1). Each constructor below is one
 * documented (or, where marked, chosen) error; throw them from anywhere in the sandbox and the
 * HTTP layer turns them into the response.
 */
export class ODataError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } }
  }
}

const typeName = (logicalName: string): string => `Microsoft.Dynamics.CRM.${logicalName}`

export const errors = {
  /** §7.4 ObjectDoesNotExist, message as the current service gives it (§3.2, §7.3). */
  recordNotFound: (logicalName: string, id: string) =>
    new ODataError(404, '0x80040217', `Entity '${logicalName}' With Id = ${id} Does Not Exist`),
  /** §2.6 RecordNotFoundByEntityKey; 404 per public code (§10 item 8). */
  recordNotFoundByKey: (logicalName: string) =>
    new ODataError(
      404,
      '0x80060891',
      `A record with the specified key values does not exist in ${logicalName} entity`
    ),
  /** §2.6 DuplicateRecordEntityKey; 412 per public code (§10 item 8). */
  duplicateKey: (keyName: string, columns: readonly string[]) =>
    new ODataError(
      412,
      '0x80060892',
      `Entity Key ${keyName} violated. A record with the same value for ${columns.join(',')} already exists. A duplicate record cannot be created. Select one or more unique values and try again.`
    ),
  /** §3.2 If-None-Match: * on an existing record; code per §10 item 9. */
  alreadyExists: () =>
    new ODataError(412, '0x80040237', 'A record with matching key values already exists.'),
  /** §7.4 DuplicateRecord: a primary key that is already taken on create. */
  duplicateRecord: () =>
    new ODataError(412, '0x80040237', 'Operation failed due to a SQL integrity violation.'),
  /** §3.3 ConcurrencyVersionMismatch. */
  concurrencyMismatch: () =>
    new ODataError(
      412,
      '0x80060882',
      "The version of the existing record doesn't match the RowVersion property provided."
    ),
  /** §3.3 / §7.4 OptimisticConcurrencyNotEnabled: an ETag precondition on such a table. */
  optimisticConcurrencyNotEnabled: (logicalName: string) =>
    new ODataError(
      400,
      '0x8006088D',
      `Optimistic concurrency isn't enabled for entity type ${logicalName}. The IfVersionMatches value of ConcurrencyBehavior can only be used if optimistic concurrency is enabled.`
    ),
  /** §2.6 message for a key predicate naming columns that are no key of the table. */
  invalidKeyInUri: (logicalName: string) =>
    new ODataError(
      400,
      '0x80060888',
      `The key in the request URI is not valid for resource '${typeName(logicalName)}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource '${typeName(logicalName)}'.`
    ),
  /** §7.4: the OData layer's code for URI and query parse errors. */
  uriParse: (message: string) => new ODataError(400, '0x80060888', message),
  unknownProperty: (logicalName: string, property: string) =>
    new ODataError(
      400,
      '0x80060888',
      `Could not find a property named '${property}' on type '${typeName(logicalName)}'.`
    ),
  /** §7.4 ODataClientPayloadError: the body does not fit the table. */
  payload: (logicalName: string, detail: string) =>
    new ODataError(
      400,
      '0x80048d19',
      `Error identified in Payload provided by the user for Entity :'${logicalName}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ---->  InnerException : Microsoft.OData.ODataException: ${detail}`
    ),
  /** §5.2 validation error (string too long), as shown in the $batch fixture. */
  tooLong: (logicalName: string, column: string, max: number) =>
    new ODataError(
      400,
      '0x80044331',
      `A validation error occurred.  The length of the '${column}' attribute of the '${logicalName}' entity exceeded the maximum allowed length of '${max}'.`
    ),
  /** Chosen (not in the reference): an option value outside the column's option set. */
  optionOutOfRange: (
    logicalName: string,
    column: string,
    value: unknown,
    allowed: readonly number[]
  ) =>
    new ODataError(
      400,
      '0x8004431A',
      `A validation error occurred. The value ${String(value)} of '${column}' on record of type '${logicalName}' is outside the valid range. Accepted Values: ${allowed.join(',')}`
    ),
  /** §1.7 ExpiredVersionStamp; HTTP status chosen as 400 (§10 item 3). */
  expiredVersionStamp: () =>
    new ODataError(
      400,
      '0x80044352',
      'Version stamp associated with the client has expired. Please perform a full sync.'
    ),
  /** §1.6: query options refused together with odata.track-changes. */
  notSupportedWithTracking: (option: string) =>
    new ODataError(
      400,
      '0x80060888',
      `The "${option}" query parameter isn't supported when Change Tracking is enabled.`
    ),
  /** §7.2 405: wrong method for the resource. */
  methodNotAllowed: (method: string) =>
    new ODataError(
      405,
      '0x80060888',
      `The HTTP method '${method}' is not allowed for this resource.`
    ),
  /** §2.6 EntityKeyNameExists / EntityKeyWithSelectedAttributesExists. */
  keyNameExists: (keyName: string, logicalName: string) =>
    new ODataError(
      400,
      '0x80060893',
      `An entity key with the name ${keyName} already exists on entity ${logicalName}.`
    ),
  keyColumnsExist: () =>
    new ODataError(
      400,
      '0x80060894',
      'An entity key with the selected attributes already exists on entity.'
    ),
  badRequest: (message: string, code = '0x80040203') => new ODataError(400, code, message),
  /** The OData layer's answer for a path segment that names nothing. */
  notFoundSegment: (segment: string) =>
    new ODataError(404, '0x80060888', `Resource not found for the segment '${segment}'.`),
  /** §9 / §7.2: no or bad bearer token. */
  unauthorized: (message: string) =>
    new ODataError(401, '0x80072560', message, { 'WWW-Authenticate': 'Bearer' }),
  /** §6.2 service protection errors. */
  tooManyRequests: (code: string, message: string, retryAfterSeconds: number) =>
    new ODataError(429, code, message, { 'Retry-After': String(retryAfterSeconds) }),
  serverFault: (status: 500 | 503) =>
    new ODataError(
      status,
      status === 503 ? '0x80040216' : '0x80040216',
      status === 503
        ? 'The service is temporarily unavailable (sandbox fault injection).'
        : 'An unexpected error occurred (sandbox fault injection).'
    )
}
